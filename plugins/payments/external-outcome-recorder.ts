import { LockMode } from '@mikro-orm/core';
import { GatewayError, type RequestContext } from '../../core/plugin-api.ts';
import type { IdempotencyService, IdempotentRequest } from './idempotency.service.ts';
import type { CallResult } from './method-call.ts';
import { PaymentIntent } from './payment-intent.entity.ts';
import { PaymentOperation } from './payment-operation.entity.ts';
import { capturesAtOnce } from './payment-state-machine.ts';
import { UNRESOLVED_OPERATION_STATUSES } from './payment-status.ts';
import type { PaymentTransitions } from './payment-transitions.ts';
import { errorResult, paymentResult } from './stored-result.ts';

/** Starts, as the engine itself, the capture an approved automatic-capture payment calls for. */
export type CaptureApproved = (ctx: RequestContext, paymentId: string) => Promise<PaymentIntent>;

/**
 * The second transaction of an external call: the outcome and its ledger lines, then the
 * capture an approval may call for, then the result stored with the key. Shared by the request
 * that made the call and by whoever learned the outcome later (the janitor), so both settle a
 * payment the same way.
 */
export class ExternalOutcomeRecorder {
  readonly #idempotency: IdempotencyService;
  readonly #transitions: PaymentTransitions;
  readonly #captureApproved: CaptureApproved;

  constructor(
    idempotency: IdempotencyService,
    transitions: PaymentTransitions,
    captureApproved: CaptureApproved,
  ) {
    this.#idempotency = idempotency;
    this.#transitions = transitions;
    this.#captureApproved = captureApproved;
  }

  async record(
    ctx: RequestContext,
    paymentId: string,
    operationId: string,
    result: CallResult,
    idem: IdempotentRequest | null,
  ): Promise<PaymentIntent> {
    const { payment, kind } = await ctx.em.fork().transactional(async (tx) => {
      const locked = await tx.findOneOrFail(PaymentIntent, paymentId, {
        lockMode: LockMode.PESSIMISTIC_WRITE,
      });
      const op = await tx.findOneOrFail(PaymentOperation, operationId);
      if (UNRESOLVED_OPERATION_STATUSES.includes(op.status)) {
        op.checks += 1;
        await this.#transitions.apply(tx, locked, op, result);
      }
      return { payment: locked, kind: op.kind };
    });
    const final = capturesAtOnce(payment, kind)
      ? await this.#captureApproved(ctx, payment.id).catch((error: unknown) => {
          // The authorization stands and is the answer. A capture that could not start (the
          // database unreachable) or was refused is the janitor's to finish (AutomaticCaptures).
          if (!(error instanceof GatewayError)) {
            ctx.log.error({ err: error, paymentId }, 'automatic capture could not start; the janitor will');
          }
          return payment;
        })
      : payment;
    const stored = 'error' in result ? errorResult(result.error) : paymentResult(payment.id);
    if (idem) await this.#idempotency.complete(ctx.em.fork(), idem, stored);
    if ('error' in result) throw result.error;
    return final;
  }
}
