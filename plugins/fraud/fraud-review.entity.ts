import { defineEntity, p } from '@mikro-orm/core';

/** One entry of the audit kept in `fraud_review.history`. */
export interface FraudReviewHistoryEntry {
  readonly at: string;
  readonly action: 'subject-request' | 'approved' | 'declined';
  readonly by: { readonly kind: string; readonly keyId: string | null };
  readonly reason: string | null;
}

/**
 * A person's review of one automated decision (migration 0002): asked for by the subject, or
 * decided by an operator or the merchant. Read and written with SQL by FraudReviewService.
 */
const FraudReviewSchema = defineEntity({
  name: 'FraudReview',
  tableName: 'fraud_review',
  properties: {
    attemptId: p.uuid().primary(),
    paymentId: p.uuid(),
    merchantId: p.uuid(),
    customerId: p.uuid(),
    status: p.text(),
    subjectRequestedAt: p.datetime().nullable(),
    subjectStatementSealed: p.text().nullable(),
    dueAt: p.datetime().nullable(),
    dueRule: p.text().nullable(),
    decidedAt: p.datetime().nullable(),
    decidedByKind: p.text().nullable(),
    decidedByKey: p.text().nullable(),
    decisionReason: p.text().nullable(),
    allowUntil: p.datetime().nullable(),
    allowUsedBy: p.uuid().nullable(),
    history: p.json<FraudReviewHistoryEntry[]>(),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
  },
  indexes: [
    { name: 'fraud_review_queue_index', properties: ['merchantId', 'dueAt'], where: "status = 'open'" },
    {
      name: 'fraud_review_allowance_index',
      properties: ['customerId'],
      where: 'allow_until is not null and allow_used_by is null',
    },
  ],
  checks: [{ name: 'fraud_review_status_check', expression: `status in ('open', 'approved', 'declined')` }],
});

export class FraudReview extends FraudReviewSchema.class {}
FraudReviewSchema.setClass(FraudReview);

export { FraudReviewSchema };
