import type { EntityManager } from '@mikro-orm/core';
import type { RequestContext } from '../../core/plugin-api.ts';
import type { ExternalOutcomeRecorder } from './external-outcome-recorder.ts';
import type { IdempotencyService, IdempotentRequest } from './idempotency.service.ts';
import type { StoredResult } from './idempotency-record.entity.ts';
import { callExternal } from './method-call.ts';
import { invokeMethod, methodCall, startOperation } from './method-invoker.ts';
import type { PaymentIntent } from './payment-intent.entity.ts';
import { replayStored } from './payment-reader.ts';
import { capturesAtOnce } from './payment-state-machine.ts';
import type { PaymentTransitions } from './payment-transitions.ts';
import { settledPayment } from './settled-payment.ts';
import type { StartedOperation } from './started-operation.ts';
import { paymentResult } from './stored-result.ts';

/** Checks the request against the payment and records the payment and operation; runs after the key is claimed. */
export type OperationStart = (tx: EntityManager) => Promise<StartedOperation>;

type FirstTransaction = { done: PaymentIntent } | { replay: StoredResult } | StartedOperation;

/**
 * The one protocol of every payment operation, createPayment's authorization and the follow-ups
 * alike: claim the key, start the operation, run it, store the result with the key. An internal
 * method (the wallet) runs inside that transaction, so the payment, the method's rows and the
 * ledger commit together. An external one is called outside any transaction, between the first,
 * which records the attempt, and a second that records its outcome (ExternalOutcomeRecorder): a
 * crash in between leaves a record the janitor settles through the method's `status`, never by
 * calling it again.
 */
export class PaymentOperationRunner {
  readonly #idempotency: IdempotencyService;
  readonly #transitions: PaymentTransitions;
  readonly #methodTimeoutMs: number;
  readonly #recorder: ExternalOutcomeRecorder;

  constructor(
    idempotency: IdempotencyService,
    transitions: PaymentTransitions,
    methodTimeoutMs: number,
    recorder: ExternalOutcomeRecorder,
  ) {
    this.#idempotency = idempotency;
    this.#transitions = transitions;
    this.#methodTimeoutMs = methodTimeoutMs;
    this.#recorder = recorder;
  }

  async run(
    ctx: RequestContext,
    idem: IdempotentRequest | null,
    start: OperationStart,
  ): Promise<PaymentIntent> {
    const first = await ctx.em.fork().transactional(async (tx): Promise<FirstTransaction> => {
      if (idem) {
        const claim = await this.#idempotency.claim(tx, idem, settledPayment);
        if (claim.kind === 'replay') return { replay: claim.result };
      }
      const started = await start(tx);
      if (!started.method.internal) {
        if (idem) await this.#idempotency.remember(tx, idem, paymentResult(started.payment.id));
        return started;
      }
      await this.#runInside(tx, ctx, started);
      if (idem) await this.#idempotency.complete(tx, idem, paymentResult(started.payment.id));
      return { done: started.payment };
    });
    if ('replay' in first) return replayStored(ctx, first.replay);
    if ('done' in first) return first.done;
    const call = methodCall(ctx.em.fork(), ctx, first.payment, first.op, first.customer);
    const result = await callExternal(() => invokeMethod(first, call), this.#methodTimeoutMs, ctx.log);
    return this.#recorder.record(ctx, first.payment.id, first.op.id, result, idem);
  }

  /** The internal path: the call, its outcome and the automatic capture it may call for, in one transaction. */
  async #runInside(tx: EntityManager, ctx: RequestContext, started: StartedOperation): Promise<void> {
    const { payment, op, customer } = started;
    await tx.flush();
    const outcome = await invokeMethod(started, methodCall(tx, ctx, payment, op, customer));
    await this.#transitions.apply(tx, payment, op, { outcome });
    if (!capturesAtOnce(payment, op.kind)) return;
    // The authorization's operation must be on record as resolved before the capture's begins.
    await tx.flush();
    const capture = startOperation(tx, payment, 'capture', payment.amount, this.#methodTimeoutMs);
    capture.releasesRemainder = true;
    await tx.flush();
    const captured = await invokeMethod(
      { ...started, op: capture },
      methodCall(tx, ctx, payment, capture, customer),
    );
    await this.#transitions.apply(tx, payment, capture, { outcome: captured });
  }
}
