import type { EntityManager } from '@mikro-orm/core';
import { GatewayError, isUuid, money, type RequestContext } from '../../core/plugin-api.ts';
import type { ExternalOutcomeRecorder } from './external-outcome-recorder.ts';
import { callExternal } from './method-call.ts';
import { methodCall } from './method-invoker.ts';
import type { PaymentMethodRegistry } from './method-registry.ts';
import { PaymentOperation } from './payment-operation.entity.ts';
import { UNRESOLVED_OPERATION_STATUSES } from './payment-status.ts';

/** The operation of a payment whose outcome is not known yet, if any. */
export function unresolvedOperation(tx: EntityManager, paymentId: string): Promise<PaymentOperation | null> {
  return tx.findOne(PaymentOperation, {
    payment: paymentId,
    status: { $in: [...UNRESOLVED_OPERATION_STATUSES] },
  });
}

/**
 * Settles an operation whose outcome the method could not tell by asking it (`status`), never by
 * repeating the operation: a timeout must not become a second charge. The janitor's way in, and
 * the first step of a new operation on such a payment (as Kill Bill does).
 */
export class OperationSettler {
  readonly #methods: PaymentMethodRegistry;
  readonly #methodTimeoutMs: number;
  readonly #recorder: ExternalOutcomeRecorder;

  constructor(methods: PaymentMethodRegistry, methodTimeoutMs: number, recorder: ExternalOutcomeRecorder) {
    this.#methods = methods;
    this.#methodTimeoutMs = methodTimeoutMs;
    this.#recorder = recorder;
  }

  async settle(ctx: RequestContext, operationId: string): Promise<void> {
    const op = await ctx.em
      .fork()
      .findOne(PaymentOperation, operationId, { populate: ['payment', 'payment.customer'] });
    if (!op || !UNRESOLVED_OPERATION_STATUSES.includes(op.status)) return;
    const payment = op.payment;
    const method = this.#methods.get(payment.method);
    if (!method) {
      ctx.log.error(
        { paymentId: payment.id, method: payment.method },
        'payment method is no longer installed',
      );
      return;
    }
    const call = methodCall(ctx.em.fork(), ctx, payment, op, payment.customer);
    const result = await callExternal(
      () =>
        method.status({
          ...call,
          reference: op.reference ?? payment.methodReference ?? '',
          amount: money(op.amount, payment.currency),
          operation: op.kind === 'confirm' ? 'authorize' : op.kind,
        }),
      this.#methodTimeoutMs,
      ctx.log,
    );
    await this.#recorder.record(ctx, payment.id, op.id, result, null).catch((error: unknown) => {
      if (!(error instanceof GatewayError)) throw error;
    });
  }

  /** Before a new operation on a payment, asks about an earlier one whose outcome is not known. */
  async settleEarlier(ctx: RequestContext, paymentId: string): Promise<void> {
    if (!isUuid(paymentId)) return;
    const due = await ctx.em.fork().findOne(PaymentOperation, {
      payment: paymentId,
      status: { $in: ['pending', 'unknown'] },
    });
    if (due) await this.settle(ctx, due.id);
  }
}
