import type { GatewayBuilder } from '../../core/plugin-api.ts';
import type { PaymentService } from './payment.service.ts';
import { MONEY_MOVEMENT_ERRORS } from './payment-error-types.ts';
import { type PaymentReview, REVIEW_STATUSES } from './payment-review.ts';

const READERS = { $any: { operator: true, merchant: true, partner: true, customer: true } } as const;

/** `Payment.review` and the decision on it; a full review queue comes with the fraud plugin. */
export function registerPaymentReviewSchema(builder: GatewayBuilder, payments: PaymentService): void {
  const ReviewStatus = builder.enumType('PaymentReviewStatus', { values: REVIEW_STATUSES });
  const Review = builder.objectRef<PaymentReview>('PaymentReview').implement({
    description:
      'A `payment.beforeAuthorize` handler held the payment for review: it is authorized, and captured only once approved.',
    authScopes: READERS,
    fields: (t) => ({
      status: t.field({ type: ReviewStatus, resolve: (r) => r.status }),
      score: t.exposeInt('score', { description: '0-100: the highest risk score a handler gave.' }),
      reasons: t.stringList({ resolve: (r) => [...r.reasons] }),
      decidedAt: t.field({
        type: 'DateTime',
        nullable: true,
        resolve: (r) => (r.decidedAt ? new Date(r.decidedAt) : null),
      }),
    }),
  });

  builder.objectField('Payment', 'review', (t) =>
    t.field({ type: Review, nullable: true, resolve: (p) => p.review ?? null }),
  );

  builder.mutationFields((t) => ({
    decidePaymentReview: t.withAuth({ $any: { operator: true, merchant: true } }).field({
      type: 'Payment',
      description:
        'Approves (captures an automatic-capture payment) or declines (voids) a payment held for review. Who decided, when and why are stored.',
      args: {
        paymentId: t.arg.id({ required: true }),
        approve: t.arg.boolean({ required: true }),
        reason: t.arg.string({ required: true, description: 'Why, for the audit (1 to 500 characters).' }),
      },
      errors: { types: MONEY_MOVEMENT_ERRORS },
      resolve: (_root, args, ctx) =>
        payments.decideReview(ctx, String(args.paymentId), args.approve, args.reason),
    }),
  }));
}
