import type { EntityManager } from '@mikro-orm/core';
import {
  type AuthenticatedContext,
  type CustomerContext,
  deadline,
  isUuid,
  type MerchantContext,
  NotFoundError,
  type OperatorContext,
  query,
  ValidationError,
} from '../../core/plugin-api.ts';
import type { AuthorizeDecision } from '../payments/api.ts';
import { FraudReviewClosedError } from './fraud.errors.ts';
import type { FraudReviewHistoryEntry } from './fraud-review.entity.ts';
import {
  type FraudReviewEvent,
  type FraudReviewState,
  type FraudReviewStatus,
  initialState,
  labelOf,
  nextState,
} from './fraud-review-state.ts';

/** How long an approved block or challenge lets the customer's identical retry through. */
const RETRY_ALLOWED_HOURS = 24;
const MAX_REASON = 500;
const MAX_STATEMENT = 2000;

interface HoldJson {
  status: 'pending' | 'approved' | 'declined';
  decidedAt?: string;
  decidedBy?: { kind: string; keyId: string };
  decisionReason?: string;
}

interface ReviewRow {
  attempt_id: string;
  payment_id: string;
  merchant_id: string;
  customer_id: string;
  decision: AuthorizeDecision;
  score: number;
  reasons: string[];
  amount: string;
  currency: string;
  method: string;
  attempted_at: Date | string;
  hold: HoldJson | null;
  status: FraudReviewStatus | null;
  subject_requested_at: Date | string | null;
  subject_statement_sealed: string | null;
  due_at: Date | string | null;
  due_rule: string | null;
  decided_at: Date | string | null;
  decided_by_kind: string | null;
  decided_by_key: string | null;
  decision_reason: string | null;
  allow_until: Date | string | null;
  allow_used_by: string | null;
}

/** A decision and its review, as GraphQL shows it. */
export interface FraudReviewView {
  readonly attemptId: string;
  readonly paymentId: string;
  readonly merchantId: string;
  readonly customerId: string;
  readonly decision: AuthorizeDecision;
  readonly score: number;
  readonly reasons: readonly string[];
  readonly amount: bigint;
  readonly currency: string;
  readonly method: string;
  readonly attemptedAt: Date;
  /** Null: no person was asked (an allowed or blocked attempt nobody acted on). */
  readonly status: FraudReviewStatus | null;
  /** Authorized, capture held until a person approves. */
  readonly held: boolean;
  readonly subjectRequestedAt: Date | null;
  readonly subjectStatementSealed: string | null;
  readonly dueAt: Date | null;
  readonly dueRule: string | null;
  readonly decidedAt: Date | null;
  readonly decidedByKind: string | null;
  readonly decidedByKeyId: string | null;
  readonly decisionReason: string | null;
  readonly retryAllowedUntil: Date | null;
  readonly retryUsedBy: string | null;
  /** What training reads: a declined review is fraud, an approved one honest. */
  readonly label: 'fraud' | 'legitimate' | null;
}

const date = (v: Date | string | null) => (v === null ? null : new Date(v));

const SELECT = `select a.id as attempt_id, a.payment_id, a.merchant_id, a.customer_id, a.decision, a.score,
    a.reasons, a.amount::text as amount, a.currency, a.method, a.created_at as attempted_at,
    p.review as hold, r.status, r.subject_requested_at, r.subject_statement_sealed, r.due_at, r.due_rule,
    r.decided_at, r.decided_by_kind, r.decided_by_key, r.decision_reason, r.allow_until, r.allow_used_by
  from fraud_attempt a
  left join payment_intent p on a.decision = 'review' and p.id = a.payment_id
  left join fraud_review r on r.attempt_id = a.id`;

/** Whether a person still has to decide on the held payment itself. */
const holdPending = (row: ReviewRow) => row.decision === 'review' && row.hold?.status === 'pending';

/** The stored row's state, or, with none, the state the payment's own hold gives. */
function stateOf(row: ReviewRow): FraudReviewState {
  if (row.status !== null) return { status: row.status, subjectRequested: row.subject_requested_at !== null };
  if (row.decision === 'review' && row.hold && row.hold.status !== 'pending') {
    // Decided through `decidePaymentReview` before anyone used the queue.
    return { status: row.hold.status, subjectRequested: false };
  }
  return initialState(row.decision, holdPending(row));
}

function toView(row: ReviewRow): FraudReviewView {
  const state = stateOf(row);
  // A hold decided through decidePaymentReview has its audit on the payment.
  const fromHold = row.status === null && row.hold?.status !== 'pending' ? row.hold : null;
  const label = labelOf(state.status);
  return {
    attemptId: row.attempt_id,
    paymentId: row.payment_id,
    merchantId: row.merchant_id,
    customerId: row.customer_id,
    decision: row.decision,
    score: Number(row.score),
    reasons: row.reasons,
    amount: BigInt(row.amount),
    currency: row.currency,
    method: row.method,
    attemptedAt: new Date(row.attempted_at),
    status: state.status,
    held: holdPending(row),
    subjectRequestedAt: date(row.subject_requested_at),
    subjectStatementSealed: row.subject_statement_sealed,
    dueAt: date(row.due_at),
    dueRule: row.due_rule,
    decidedAt: date(row.decided_at ?? fromHold?.decidedAt ?? null),
    decidedByKind: row.decided_by_kind ?? fromHold?.decidedBy?.kind ?? null,
    decidedByKeyId: row.decided_by_key ?? fromHold?.decidedBy?.keyId ?? null,
    decisionReason: row.decision_reason ?? fromHold?.decisionReason ?? null,
    retryAllowedUntil: date(row.allow_until),
    retryUsedBy: row.allow_used_by,
    label: label === null ? null : label ? 'fraud' : 'legitimate',
  };
}

/** The attempts the caller may see: an operator all, a merchant its own, a customer session its own. */
function scope(ctx: AuthenticatedContext): { sql: string; params: unknown[] } {
  const { principal } = ctx;
  switch (principal.kind) {
    case 'operator':
      return { sql: 'true', params: [] };
    case 'merchant':
      return { sql: 'a.merchant_id = ?', params: [principal.merchantId] };
    case 'customer':
      return {
        sql: 'a.merchant_id = ? and a.customer_id in (select c.id from customer c where c.merchant_id = ? and c.subject_id = ?)',
        params: [principal.merchantId, principal.merchantId, principal.subjectId],
      };
    default:
      return { sql: 'false', params: [] };
  }
}

/**
 * People in the loop: the review queue of held payments and of the decisions their subjects
 * contest, a person's decision on any automated decision (approving a block is the override),
 * the subject's request for review (GDPR Art. 22(3), PIPA Art. 37-2), and the labels training
 * reads. Every step is checked by the pure state machine (fraud-review-state.ts), stored with
 * the row locked, audited in `history` and published as an event.
 */
export class FraudReviewService {
  /** The open reviews, soonest due first, then oldest first. */
  async queue(ctx: OperatorContext | MerchantContext, first: number): Promise<FraudReviewView[]> {
    const { sql, params } = scope(ctx);
    const rows = await query<ReviewRow>(
      ctx.em,
      `${SELECT}
       where ${sql} and (r.status = 'open'
         or (r.attempt_id is null and a.decision = 'review' and p.review ->> 'status' = 'pending'))
       order by r.due_at asc nulls last, a.created_at asc, a.id limit ?`,
      [...params, Math.min(Math.max(first, 1), 200)],
    );
    return rows.map(toView);
  }

  /** The decision on a payment (or the attempt a block refused) and its review, if the caller may see it. */
  async ofPayment(ctx: AuthenticatedContext, paymentId: string): Promise<FraudReviewView | null> {
    const row = await this.#row(ctx, paymentId);
    return row ? toView(row) : null;
  }

  /**
   * A person's decision. On a payment still held it approves (captures an automatic-capture
   * payment) or declines (voids) through the payments engine first, which refuses a second
   * decision; on any other decision it records the person's judgement, and approving a block or
   * a challenge (or a hold already voided) lets the customer's next identical attempt through.
   */
  async decide(
    ctx: OperatorContext | MerchantContext,
    paymentId: string,
    approve: boolean,
    reason: string,
  ): Promise<FraudReviewView> {
    const why = reason.trim();
    if (why.length === 0 || why.length > MAX_REASON) {
      throw new ValidationError('reason', `reason must be 1 to ${MAX_REASON} characters`);
    }
    const row = await this.#row(ctx, paymentId);
    if (!row) throw new NotFoundError('FraudDecision', paymentId);
    const event: FraudReviewEvent = { kind: 'decide', approve };
    const before = stateOf(row);
    refuseUnlessAllowed(before, event, row.decision);
    const wasHeld = holdPending(row);
    if (wasHeld) await ctx.services.payments.intents.decideReview(ctx, row.payment_id, approve, why);
    const status: FraudReviewStatus = approve ? 'approved' : 'declined';
    const allowRetry = approve && !wasHeld && row.decision !== 'allow';
    const entry: FraudReviewHistoryEntry = {
      at: new Date().toISOString(),
      action: status,
      by: { kind: ctx.principal.kind, keyId: ctx.principal.keyId },
      reason: why,
    };
    await this.#transition(ctx, row, event, async (tx) => {
      await query(
        tx,
        `update fraud_review set status = ?, decided_at = clock_timestamp(), decided_by_kind = ?, decided_by_key = ?,
           decision_reason = ?,
           allow_until = case when ? then clock_timestamp() + make_interval(hours => ?) else allow_until end,
           history = history || ?::jsonb, updated_at = clock_timestamp()
         where attempt_id = ?`,
        [
          status,
          ctx.principal.kind,
          ctx.principal.keyId,
          why,
          allowRetry,
          RETRY_ALLOWED_HOURS,
          JSON.stringify([entry]),
          row.attempt_id,
        ],
      );
      await ctx.services.events.publish(tx, {
        type: 'fraud.review_decided',
        merchantId: row.merchant_id,
        payload: {
          attemptId: row.attempt_id,
          paymentId: row.payment_id,
          customerId: row.customer_id,
          decision: row.decision,
          outcome: status,
          label: approve ? 'legitimate' : 'fraud',
          subjectRequested: before.subjectRequested,
          decidedBy: ctx.principal.kind,
          retryAllowed: allowRetry,
        },
      });
    });
    ctx.log.info({ attemptId: row.attempt_id, approve }, 'fraud review decided');
    return toView((await this.#row(ctx, paymentId))!);
  }

  /**
   * The subject asks a person to review an automated decision about one of their payments, with
   * their point of view (sealed under their key). Due by the earliest period an applicable pack
   * sets (`automatedDecisions.answerWithin`), if any.
   */
  async request(ctx: CustomerContext, paymentId: string, statement: string | null): Promise<FraudReviewView> {
    const said = statement?.trim() ?? '';
    if (said.length > MAX_STATEMENT) {
      throw new ValidationError('statement', `statement must be at most ${MAX_STATEMENT} characters`);
    }
    const row = await this.#row(ctx, paymentId);
    if (!row) throw new NotFoundError('FraudDecision', paymentId);
    const event: FraudReviewEvent = { kind: 'subject-request' };
    const before = stateOf(row);
    refuseUnlessAllowed(before, event, row.decision);
    // One clock for the request and its due date: the gateway's.
    const requestedAt = new Date();
    const due = await dueDate(ctx, row.customer_id, requestedAt);
    const { keys } = ctx.services.privacy;
    const sealed =
      said === ''
        ? null
        : await keys.seal(ctx.em, ctx.principal.subjectId, said, statementBinding(row.attempt_id));
    const entry: FraudReviewHistoryEntry = {
      at: requestedAt.toISOString(),
      action: 'subject-request',
      by: { kind: 'customer', keyId: null },
      reason: null,
    };
    await this.#transition(ctx, row, event, async (tx) => {
      await query(
        tx,
        `update fraud_review set status = 'open', subject_requested_at = ?,
           subject_statement_sealed = ?, due_at = ?, due_rule = ?, decided_at = null, decided_by_kind = null,
           decided_by_key = null, decision_reason = null, history = history || ?::jsonb, updated_at = clock_timestamp()
         where attempt_id = ?`,
        [requestedAt, sealed, due?.at ?? null, due?.rule ?? null, JSON.stringify([entry]), row.attempt_id],
      );
      await ctx.services.events.publish(tx, {
        type: 'fraud.review_requested',
        merchantId: row.merchant_id,
        payload: {
          attemptId: row.attempt_id,
          paymentId: row.payment_id,
          customerId: row.customer_id,
          decision: row.decision,
          dueAt: due?.at.toISOString() ?? null,
        },
      });
    });
    ctx.log.info({ attemptId: row.attempt_id }, 'fraud review requested by the subject');
    return toView((await this.#row(ctx, paymentId))!);
  }

  /** The subject's point of view, opened under their key (null once it is erased). */
  statementOf(ctx: AuthenticatedContext, review: FraudReviewView): Promise<string | null> {
    if (review.subjectStatementSealed === null) return Promise.resolve(null);
    return ctx.services.privacy.keys.open(
      ctx.em,
      review.subjectStatementSealed,
      statementBinding(review.attemptId),
    );
  }

  async #row(ctx: AuthenticatedContext, paymentId: string): Promise<ReviewRow | null> {
    if (!isUuid(paymentId)) return null;
    const { sql, params } = scope(ctx);
    const [row] = await query<ReviewRow>(
      ctx.em,
      `${SELECT} where a.payment_id = ? and a.decision is not null and ${sql} order by a.created_at desc limit 1`,
      [paymentId, ...params],
    );
    return row ?? null;
  }

  /**
   * Runs `write` with the review row locked, after checking the event against the state stored
   * then: a concurrent step that got there first refuses this one. With no row yet, the row is
   * created, and the state the caller checked (from the payment's hold) stands.
   */
  async #transition(
    ctx: AuthenticatedContext,
    row: ReviewRow,
    event: FraudReviewEvent,
    write: (tx: EntityManager) => Promise<void>,
  ): Promise<void> {
    await ctx.em.fork().transactional(async (tx) => {
      const [created] = await query<{ attempt_id: string }>(
        tx,
        `insert into fraud_review (attempt_id, payment_id, merchant_id, customer_id, status, history, created_at, updated_at)
         values (?, ?, ?, ?, 'open', '[]'::jsonb, clock_timestamp(), clock_timestamp())
         on conflict (attempt_id) do nothing returning attempt_id`,
        [row.attempt_id, row.payment_id, row.merchant_id, row.customer_id],
      );
      if (!created) {
        const [stored] = await query<{ status: FraudReviewStatus; subject_requested_at: Date | null }>(
          tx,
          'select status, subject_requested_at from fraud_review where attempt_id = ? for update',
          [row.attempt_id],
        );
        // As stored now: a concurrent step may have got there since the caller read it.
        const now = { status: stored!.status, subjectRequested: stored!.subject_requested_at !== null };
        refuseUnlessAllowed(now, event, row.decision);
      }
      await write(tx);
    });
  }
}

function refuseUnlessAllowed(
  state: FraudReviewState,
  event: FraudReviewEvent,
  decision: AuthorizeDecision,
): void {
  const next = nextState(state, event, decision);
  if ('refused' in next) throw new FraudReviewClosedError(next.refused);
}

const statementBinding = (attemptId: string) => `FraudReview.subjectStatement:${attemptId}`;

/** The earliest answer period of the packs that apply to the customer and are on for the merchant. */
async function dueDate(
  ctx: CustomerContext,
  customerId: string,
  from: Date,
): Promise<{ at: Date; rule: string } | null> {
  const facts = await ctx.services.payments.customers.profileFacts(ctx, customerId);
  const packs = ctx.services.privacy.regulations.enabledFor(ctx.principal.merchantId, {
    jurisdiction: facts.countryOfResidence,
    merchantCountry: facts.merchantCountry,
  });
  let due: { at: Date; rule: string } | null = null;
  for (const pack of packs) {
    const period = pack.rules.automatedDecisions?.answerWithin;
    if (!period) continue;
    const at = deadline(from, period);
    if (due === null || at < due.at) due = { at, rule: period.article };
  }
  return due;
}
