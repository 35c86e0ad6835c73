import { type EntityManager, LockMode } from '@mikro-orm/core';
import {
  isUuid,
  merchantFilter,
  NotFoundError,
  type RequestContext,
  ValidationError,
} from '../../core/plugin-api.ts';
import { Customer } from './customer.entity.ts';
import { LedgerHold } from './ledger/ledger-hold.entity.ts';
import { startOperation } from './method-invoker.ts';
import type { PaymentMethodRegistry } from './method-registry.ts';
import { unresolvedOperation } from './operation-settler.ts';
import { InvalidTransitionError } from './payment-errors.ts';
import { PaymentIntent } from './payment-intent.entity.ts';
import type { PaymentMethod } from './payment-method.ts';
import { assertCanStart } from './payment-state-machine.ts';
import type { OperationKind } from './payment-status.ts';
import type { StartedOperation } from './started-operation.ts';

export type FollowUpKind = Exclude<OperationKind, 'authorize'>;

/** What one kind of follow-up decided for this payment: its amount, and what its call needs. */
export interface FollowUpPlan {
  amount: bigint;
  releasesRemainder?: boolean;
  /** A ledger hold reserved for the operation (a refund's). */
  hold?: string;
  /** The customer's answer to a required action (confirm). */
  response?: string;
}

export type PlanFollowUp = (
  payment: PaymentIntent,
  method: PaymentMethod,
  tx: EntityManager,
) => FollowUpPlan | Promise<FollowUpPlan>;

/**
 * The start of a follow-up (confirm, capture, void, refund) in the protocol's first transaction:
 * the payment, locked and visible to the caller, in a state the operation may start from and
 * with no earlier outcome unknown; then the kind's own plan, and the operation's record.
 */
export class FollowUpStarter {
  readonly #methods: PaymentMethodRegistry;
  readonly #methodTimeoutMs: number;

  constructor(methods: PaymentMethodRegistry, methodTimeoutMs: number) {
    this.#methods = methods;
    this.#methodTimeoutMs = methodTimeoutMs;
  }

  async start(
    tx: EntityManager,
    ctx: RequestContext,
    paymentId: string,
    kind: FollowUpKind,
    plan: PlanFollowUp,
  ): Promise<StartedOperation> {
    const payment = await this.#lockVisible(ctx, tx, paymentId);
    assertCanStart(kind, payment.status);
    const pending = await unresolvedOperation(tx, payment.id);
    if (pending) {
      throw new InvalidTransitionError(
        payment.status,
        kind,
        `The outcome of an earlier ${pending.kind} is not known yet; try again later`,
      );
    }
    const method = this.#methods.get(payment.method);
    if (!method) {
      throw new ValidationError('paymentId', `payment method "${payment.method}" is not installed`);
    }
    const planned = await plan(payment, method, tx);
    const op = startOperation(tx, payment, kind, planned.amount, this.#methodTimeoutMs);
    op.releasesRemainder = planned.releasesRemainder ?? false;
    if (planned.hold) op.hold = tx.getReference(LedgerHold, planned.hold);
    const customer = await tx.findOneOrFail(Customer, payment.customer.id);
    return { payment, op, method, customer, response: planned.response };
  }

  async #lockVisible(ctx: RequestContext, tx: EntityManager, paymentId: string): Promise<PaymentIntent> {
    const filter = merchantFilter(ctx.principal);
    const payment =
      filter && isUuid(paymentId)
        ? await tx.findOne(
            PaymentIntent,
            { id: paymentId, ...filter },
            { lockMode: LockMode.PESSIMISTIC_WRITE },
          )
        : null;
    if (!payment) throw new NotFoundError('Payment', paymentId);
    if (ctx.principal.kind === 'customer') {
      const customer = await tx.findOne(Customer, payment.customer.id);
      if (customer?.subject.id !== ctx.principal.subjectId) throw new NotFoundError('Payment', paymentId);
    }
    return payment;
  }
}
