import type { EnumRef } from '@pothos/core';
import {
  type GatewayBuilder,
  type GatewaySchemaTypes,
  NotFoundError,
  registerErrorType,
  ValidationError,
} from '../../core/plugin-api.ts';
import { type AuthorizeDecision, MONEY_MOVEMENT_ERRORS } from '../payments/api.ts';
import { FraudReviewClosedError } from './fraud.errors.ts';
import type { FraudReviewService, FraudReviewView } from './fraud-review.service.ts';
import { FRAUD_REVIEW_STATUSES } from './fraud-review-state.ts';

type Types = PothosSchemaTypes.ExtendDefaultTypes<GatewaySchemaTypes>;

/** The merchant, an operator, and the payer on their own decisions (GDPR Art. 22, PIPA Art. 37-2). */
const READERS = { $any: { operator: true, merchant: true, customer: true } } as const;
const STAFF = { $any: { operator: true, merchant: true } } as const;
const CUSTOMER = { customer: true } as const;

/** The review queue, a person's decision, the subject's request and its outcome. */
export function registerFraudReviewSchema(
  builder: GatewayBuilder,
  reviews: FraudReviewService,
  Decision: EnumRef<Types, AuthorizeDecision, AuthorizeDecision>,
): void {
  registerErrorType(builder, FraudReviewClosedError, {
    fields: (t) => ({
      refusal: t.exposeString('refusal', {
        description: '`already-decided`, `already-requested` or `nothing-to-review`.',
      }),
    }),
  });
  const Status = builder.enumType('FraudReviewStatus', { values: FRAUD_REVIEW_STATUSES });
  const Label = builder.enumType('FraudLabel', { values: ['fraud', 'legitimate'] as const });

  const Review = builder.objectRef<FraudReviewView>('FraudReview').implement({
    description:
      'An automated fraud decision and a person’s review of it: a payment held for review, a decision its payer contested, or one an operator or the merchant judged (approving a block is the override).',
    authScopes: READERS,
    fields: (t) => ({
      paymentId: t.exposeID('paymentId', {
        description: 'A blocked attempt has no payment: the id it would have had.',
      }),
      customerId: t.exposeID('customerId'),
      decision: t.field({
        type: Decision,
        description: 'The automated decision.',
        resolve: (r) => r.decision,
      }),
      score: t.exposeInt('score'),
      reasons: t.stringList({ description: 'The decision’s main reasons.', resolve: (r) => [...r.reasons] }),
      amount: t.string({ description: 'Minor units.', resolve: (r) => r.amount.toString() }),
      currency: t.exposeString('currency'),
      method: t.exposeString('method'),
      attemptedAt: t.expose('attemptedAt', { type: 'DateTime' }),
      status: t.field({
        type: Status,
        nullable: true,
        description: 'Null: no person was asked and none acted (an allowed or blocked attempt).',
        resolve: (r) => r.status,
      }),
      held: t.exposeBoolean('held', {
        description: 'The payment is authorized and its capture waits for this review.',
      }),
      subjectRequestedAt: t.expose('subjectRequestedAt', {
        type: 'DateTime',
        nullable: true,
        description: 'When the payer asked for a person’s review (GDPR Art. 22(3), PIPA Art. 37-2).',
      }),
      subjectStatement: t.string({
        nullable: true,
        description: 'The payer’s point of view, as they wrote it (null once their data is erased).',
        resolve: (r, _args, ctx) => reviews.statementOf(ctx as never, r),
      }),
      dueAt: t.expose('dueAt', {
        type: 'DateTime',
        nullable: true,
        description: 'The answer is due by then under the applicable law, where it sets a period.',
      }),
      dueRule: t.exposeString('dueRule', {
        nullable: true,
        description: 'The article the due date comes from.',
      }),
      decidedAt: t.expose('decidedAt', { type: 'DateTime', nullable: true }),
      decidedBy: t.exposeString('decidedByKind', {
        nullable: true,
        description: '`operator` or `merchant`.',
      }),
      decidedByKeyId: t.exposeString('decidedByKeyId', {
        nullable: true,
        authScopes: STAFF,
        description: 'The API key that decided, for the audit.',
      }),
      decisionReason: t.exposeString('decisionReason', {
        nullable: true,
        description: 'Why the person decided so; the payer reads it too.',
      }),
      retryAllowedUntil: t.expose('retryAllowedUntil', {
        type: 'DateTime',
        nullable: true,
        description:
          'An approved block or challenge: the customer’s next identical payment (same instrument, amount and currency) goes through once before then.',
      }),
      retryUsed: t.boolean({ resolve: (r) => r.retryUsedBy !== null }),
      label: t.field({
        type: Label,
        nullable: true,
        description: 'What the next training reads: declined is fraud, approved is legitimate.',
        resolve: (r) => r.label,
      }),
    }),
  });

  builder.objectField('Payment', 'fraudReview', (t) =>
    t.withAuth(READERS).field({
      type: Review,
      nullable: true,
      description: 'The fraud decision on this payment and its review by a person.',
      resolve: (payment, _args, ctx) => reviews.ofPayment(ctx as never, payment.id),
    }),
  );

  builder.queryFields((t) => ({
    fraudReviewQueue: t.withAuth(STAFF).field({
      type: [Review],
      description:
        'Open reviews: payments held for review and decisions their payers contested, soonest due first, then oldest. A merchant sees its own.',
      args: { first: t.arg.int({ defaultValue: 50, description: '1 to 200.' }) },
      resolve: (_root, args, ctx) => reviews.queue(ctx, args.first ?? 50),
    }),
    fraudReview: t.withAuth(READERS).field({
      type: Review,
      nullable: true,
      description:
        'The decision on a payment (or on the attempt a block refused, by the id its payment would have had) and its review; null if the caller cannot see it.',
      args: { paymentId: t.arg.id({ required: true }) },
      resolve: (_root, args, ctx) => reviews.ofPayment(ctx, String(args.paymentId)),
    }),
  }));

  builder.mutationFields((t) => ({
    decideFraudReview: t.withAuth(STAFF).field({
      type: Review,
      description:
        'A person’s decision on an automated one. `approve` on a held payment captures it (automatic capture) and on a block or challenge lets the customer’s identical retry through once within 24 hours (the override); `decline` voids a held payment and confirms any other decision. Who, when and why are stored; the outcome is a training label and the event `fraud.review_decided`.',
      args: {
        paymentId: t.arg.id({ required: true }),
        approve: t.arg.boolean({ required: true }),
        reason: t.arg.string({
          required: true,
          description: 'Why, for the audit and the payer (1 to 500 characters).',
        }),
      },
      errors: { types: [FraudReviewClosedError, ...MONEY_MOVEMENT_ERRORS] },
      resolve: (_root, args, ctx) => reviews.decide(ctx, String(args.paymentId), args.approve, args.reason),
    }),
    requestFraudReview: t.withAuth(CUSTOMER).field({
      type: Review,
      description:
        'The payer asks a person to review the automated decision on one of their payments, with their point of view (GDPR Art. 22(3), PIPA Art. 37-2). It joins the merchant’s review queue, due by the applicable law’s period if it sets one; `fraudReview` shows the outcome.',
      args: {
        paymentId: t.arg.id({ required: true }),
        statement: t.arg.string({ description: 'The payer’s point of view (at most 2,000 characters).' }),
      },
      errors: { types: [FraudReviewClosedError, ValidationError, NotFoundError] },
      resolve: (_root, args, ctx) => reviews.request(ctx, String(args.paymentId), args.statement ?? null),
    }),
  }));
}
