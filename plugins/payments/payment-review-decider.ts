import { LockMode } from '@mikro-orm/core';
import {
  isUuid,
  type MerchantContext,
  merchantFilter,
  NotFoundError,
  type OperatorContext,
  ValidationError,
} from '../../core/plugin-api.ts';
import type { FollowUpOperations } from './follow-up-operations.ts';
import { InvalidTransitionError } from './payment-errors.ts';
import { PaymentIntent } from './payment-intent.entity.ts';
import type { PaymentReview } from './payment-review.ts';
import { canStart } from './payment-state-machine.ts';

/**
 * A person's decision on a payment held for review: recorded first (who, when, why), in its
 * own transaction with the payment locked, so that two decisions cannot both land; then acted
 * on through the ordinary operations. Approving an automatic-capture payment captures it;
 * declining voids it. Should that operation fail, the decision stands: an approved payment can
 * still be captured by hand, and a declined one is never captured (it is voided by hand or its
 * authorization expires).
 */
export class PaymentReviewDecider {
  readonly #followUps: FollowUpOperations;

  constructor(followUps: FollowUpOperations) {
    this.#followUps = followUps;
  }

  async decide(
    ctx: OperatorContext | MerchantContext,
    paymentId: string,
    approve: boolean,
    reason: string,
  ): Promise<PaymentIntent> {
    const why = reason.trim();
    if (why.length === 0 || why.length > 500) {
      throw new ValidationError('reason', 'reason must be 1 to 500 characters');
    }
    const decided = await ctx.em.fork().transactional(async (tx) => {
      const payment = isUuid(paymentId)
        ? await tx.findOne(
            PaymentIntent,
            { id: paymentId, ...merchantFilter(ctx.principal) },
            { lockMode: LockMode.PESSIMISTIC_WRITE },
          )
        : null;
      if (!payment) throw new NotFoundError('Payment', paymentId);
      if (payment.review?.status !== 'pending') {
        throw new InvalidTransitionError(payment.status, 'review', 'The payment is not awaiting review');
      }
      const review: PaymentReview = {
        ...payment.review,
        status: approve ? 'approved' : 'declined',
        decidedAt: new Date().toISOString(),
        decidedBy: { kind: ctx.principal.kind, keyId: ctx.principal.keyId },
        decisionReason: why,
      };
      payment.review = review;
      return payment;
    });
    ctx.log.info({ paymentId, approve }, 'payment review decided');
    if (approve && decided.review?.captureOnApproval && decided.status === 'authorized') {
      return this.#followUps.capture(ctx, paymentId, null, false);
    }
    if (!approve && canStart('void', decided.status)) return this.#followUps.void(ctx, paymentId);
    return decided;
  }
}
