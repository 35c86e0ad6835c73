import {
  type GatewayServices,
  type HeldRecordInput,
  type HookHandler,
  query,
  subjectPages,
} from '../../core/plugin-api.ts';
import { PAYMENT_RECORD, subjectCustomer } from '../payments/api.ts';

const DECISIONS = {
  select: `id, payment_id, created_at, method, amount::text as amount, currency, category, decision, score, reasons`,
  from: 'fraud_attempt',
  where: 'customer_id = ? and decision is not null',
};

/**
 * The automated decisions about the subject with their main reasons (GDPR Art. 15(1)(h) and 22,
 * PIPA Art. 37-2), a page at a time. The keyed indexes are left out: they say nothing without the key.
 */
export const exportDecisions =
  (services: GatewayServices): HookHandler<'subject.export'> =>
  async ({ em, subject }) => {
    const found = await subjectCustomer(em, services.privacy.keys, subject);
    if (!found) return [];
    async function* records() {
      for await (const page of subjectPages(em, DECISIONS, [found!.customerId])) {
        for (const r of page) {
          yield {
            paymentId: r.payment_id,
            decidedAt: r.created_at,
            method: r.method,
            amount: r.amount,
            currency: r.currency,
            category: r.category,
            decision: r.decision,
            score: r.score,
            reasons: typeof r.reasons === 'string' ? JSON.parse(r.reasons) : r.reasons,
          };
        }
      }
    }
    const { keys } = services.privacy;
    const params = [found.customerId];
    // The subject's own request and point of view (provided) apart from a person's outcome (inferred).
    async function* requests() {
      const rows = await query<{
        paymentId: string;
        requestedAt: Date;
        sealed: string | null;
        attemptId: string;
      }>(
        em,
        `select payment_id as "paymentId", subject_requested_at as "requestedAt",
           subject_statement_sealed as sealed, attempt_id as "attemptId"
         from fraud_review where customer_id = ? and subject_requested_at is not null order by subject_requested_at, attempt_id`,
        params,
      );
      for (const { sealed, attemptId, ...row } of rows) {
        const statement =
          sealed === null ? null : await keys.open(em, sealed, `FraudReview.subjectStatement:${attemptId}`);
        yield { ...row, statement };
      }
    }
    async function* reviews() {
      const rows = await query<Record<string, unknown>>(
        em,
        `select payment_id as "paymentId", status, due_at as "dueAt", due_rule as "dueRule",
           decided_at as "decidedAt", decided_by_kind as "decidedBy", decision_reason as "decisionReason",
           allow_until as "retryAllowedUntil"
         from fraud_review where customer_id = ? order by created_at, attempt_id`,
        params,
      );
      yield* rows;
    }
    return [
      { name: 'fraud.decisions', source: 'inferred', records: records() },
      { name: 'fraud.review-requests', source: 'provided', records: requests() },
      { name: 'fraud.reviews', source: 'inferred', records: reviews() },
    ];
  };

/**
 * Erases what links the subject's attempts to devices, addresses, instruments and recipients,
 * and the features. The decisions themselves (decision, score, reasons, amount) are records of
 * the payment they were made on: each is kept under that payment's retention hold (its date plus
 * the longest applicable period: Korea's payment records, EU AML records), cited, and purged
 * with the subject's hold key; a decision no hold covers any more is deleted.
 */
export const eraseDecisions =
  (services: GatewayServices): HookHandler<'subject.erase'> =>
  async ({ em, subject }) => {
    const found = await subjectCustomer(em, services.privacy.keys, subject);
    if (!found) return { erased: [], kept: [] };
    await query(
      em,
      `update fraud_attempt set device_index = null, ip_index = null, instrument_index = null,
       recipient_index = null, recipient_sealed = null, features = null
     where customer_id = ?`,
      [found.customerId],
    );
    // The point of view is the subject's own words: gone with the erasure; the review's outcome
    // stays with its decision (a payment record like the decision).
    await query(em, 'update fraud_review set subject_statement_sealed = null where customer_id = ?', [
      found.customerId,
    ]);
    const now = new Date();
    const { holds } = services.privacy;
    const pastHold: string[] = [];
    async function* held(): AsyncGenerator<HeldRecordInput> {
      const all = { ...DECISIONS, where: 'customer_id = ?' };
      for await (const page of subjectPages(em, all, [found!.customerId])) {
        for (const r of page) {
          const hold = holds.holdFor(found!.facts, PAYMENT_RECORD, new Date(r.created_at as string), now);
          if (hold) yield { recordId: r.id as string, hold, payload: null };
          else pastHold.push(r.id as string);
        }
      }
    }
    const kept = await holds.keep(
      em,
      {
        subjectId: found.subjectId,
        merchantId: subject.merchantId,
        plugin: 'fraud',
        what: 'fraud decisions on payments (decision, score, reasons, amount)',
      },
      held(),
    );
    for (let i = 0; i < pastHold.length; i += 1000) {
      await query(em, 'delete from fraud_attempt where id = any(?::uuid[])', [
        `{${pastHold.slice(i, i + 1000).join(',')}}`,
      ]);
    }
    const erased = [
      'deviceIndex',
      'ipIndex',
      'instrumentIndex',
      'recipientIndex',
      'recipientSealed',
      'features',
      'subjectStatement',
    ];
    if (pastHold.length > 0) erased.push(`${pastHold.length} fraud decision(s) no hold covers`);
    return { erased, kept };
  };
