import { GatewayError, query, type RequestContext } from '../../core/plugin-api.ts';
import type { FollowUpOperations } from './follow-up-operations.ts';
import { awaitsAutomaticCapture } from './payment-state-machine.ts';
import type { CaptureMethod, OperationKind, OperationStatus, PaymentStatus } from './payment-status.ts';

const BATCH = 100;

/**
 * How long after the last operation on a payment the janitor leaves its automatic capture to the
 * request that authorized it, which starts it within milliseconds when nothing goes wrong.
 */
export const CAPTURE_GRACE_SECONDS = 30;

export interface AutomaticCaptureReport {
  captured: number;
  released: number;
}

/** Automatic-capture payments awaiting a capture that nobody has started for the grace period. */
const STRANDED = `select p.id from payment_intent p
  where p.status = 'authorized' and p.capture_method = 'automatic' and p.captured_amount = 0
    and p.authorization_expires_at > now()
    and not exists (select 1 from payment_operation o where o.payment_id = p.id
      and (o.status in ('started', 'pending', 'unknown') or o.resolved_at > now() - make_interval(secs => ?)))
  order by p.authorization_expires_at
  limit ?`;

/**
 * Finishes the automatic captures that requests could not (the janitor's): a payment asked for
 * with automatic capture, authorized, and whose capture never started because the request's
 * process died or the database was unreachable at that moment. The gateway captures it itself;
 * if the method answers that the capture cannot happen, it voids the authorization instead of
 * keeping the customer's funds held until the authorization expires. Each operation starts under
 * the payment's row lock and only on a payment still awaiting its capture, so processes running
 * this at once cannot capture or void twice.
 */
export class AutomaticCaptures {
  readonly #followUps: FollowUpOperations;

  constructor(followUps: FollowUpOperations) {
    this.#followUps = followUps;
  }

  /** One janitor pass over the automatic captures left undone. */
  async finishStranded(ctx: RequestContext): Promise<AutomaticCaptureReport> {
    const report: AutomaticCaptureReport = { captured: 0, released: 0 };
    const stranded = await query<{ id: string }>(ctx.em.fork(), STRANDED, [CAPTURE_GRACE_SECONDS, BATCH]);
    for (const { id } of stranded) {
      try {
        const outcome = await this.finish(ctx, id);
        if (outcome !== 'left') report[outcome]++;
      } catch (error) {
        ctx.log.error({ err: error, paymentId: id }, 'could not finish an automatic capture');
      }
    }
    return report;
  }

  /** Captures the payment, or voids it when the method refuses the capture. */
  async finish(ctx: RequestContext, paymentId: string): Promise<'captured' | 'released' | 'left'> {
    const captured = await this.#attempt(() => this.#followUps.captureApproved(ctx, paymentId));
    if (captured === 'captured') return 'captured';
    if (!(await this.#captureRefused(ctx, paymentId))) return 'left';
    const released = await this.#attempt(() => this.#followUps.releaseUncaptured(ctx, paymentId));
    return released === 'voided' ? 'released' : 'left';
  }

  /** The payment's status after the operation, or null when it was refused (typed). */
  async #attempt(operate: () => Promise<{ status: PaymentStatus }>): Promise<PaymentStatus | null> {
    try {
      return (await operate()).status;
    } catch (error) {
      if (error instanceof GatewayError) return null;
      throw error;
    }
  }

  /** Still awaiting its capture, and the last operation on it is a capture the method refused. */
  async #captureRefused(ctx: RequestContext, paymentId: string): Promise<boolean> {
    const [row] = await query<{
      status: PaymentStatus;
      capture_method: CaptureMethod;
      captured_amount: string;
      last_kind: OperationKind | null;
      last_status: OperationStatus | null;
    }>(
      ctx.em.fork(),
      `select p.status, p.capture_method, p.captured_amount::text as captured_amount,
          o.kind as last_kind, o.status as last_status
        from payment_intent p
        left join lateral (select kind, status from payment_operation where payment_id = p.id
          order by created_at desc, id desc limit 1) o on true
        where p.id = ?`,
      [paymentId],
    );
    if (!row) return false;
    const waiting = awaitsAutomaticCapture({
      status: row.status,
      captureMethod: row.capture_method,
      capturedAmount: BigInt(row.captured_amount),
    });
    return waiting && row.last_kind === 'capture' && row.last_status === 'failed';
  }
}
