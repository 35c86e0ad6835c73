import { Migration } from '@mikro-orm/migrations';

/**
 * People in the loop: one row per automated decision a person acted on or the subject asked a
 * person to review. A payment held for review needs no row until then (the payment's `review`
 * holds it), so the hot path writes nothing here; the queue reads the held payments and the open
 * rows together. `history` is the audit, append-only: every request and decision, who, when, why.
 * `allow_until`: an approved block or challenge lets the customer's next identical attempt
 * through once before then (`allow_used_by` names that attempt).
 */
const REVIEW = `create table fraud_review (
  attempt_id uuid primary key,
  payment_id uuid not null,
  merchant_id uuid not null,
  customer_id uuid not null,
  status text not null check (status in ('open', 'approved', 'declined')),
  subject_requested_at timestamptz null,
  subject_statement_sealed text null,
  due_at timestamptz null,
  due_rule text null,
  decided_at timestamptz null,
  decided_by_kind text null,
  decided_by_key text null,
  decision_reason text null,
  allow_until timestamptz null,
  allow_used_by uuid null,
  history jsonb not null,
  created_at timestamptz not null,
  updated_at timestamptz not null
);`;

const INDEXES = [
  // The queue: a tenant's open reviews, soonest due first.
  "create index fraud_review_queue_index on fraud_review (merchant_id, due_at) where status = 'open';",
  // An override waiting for the customer's next attempt: looked up only when a decision is not allow.
  'create index fraud_review_allowance_index on fraud_review (customer_id) where allow_until is not null and allow_used_by is null;',
  // The held payments of the queue, without scanning every allowed attempt.
  "create index fraud_attempt_held_index on fraud_attempt (merchant_id, created_at) where decision = 'review';",
];

export class Migration0002FraudReviews extends Migration {
  override async up(): Promise<void> {
    this.addSql(REVIEW);
    for (const index of INDEXES) this.addSql(index);
  }
}
