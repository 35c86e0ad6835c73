import type { EntityManager } from '@mikro-orm/core';
import {
  anonymousRecord,
  type GatewayServices,
  type HeldRecordInput,
  type HookHandler,
  longText,
  query,
  type RecordType,
  type RetainedRecord,
  subjectPages,
} from '../../core/plugin-api.ts';
import { eraseProfile, exportProfile } from './customer-profile.ts';
import { type SubjectCustomer, subjectCustomer } from './subject-customer.ts';

/** A payment is a record of the transaction (Korea: E-Commerce Act, EFTA) and of AML (EU). */
export const PAYMENT_RECORD: readonly RecordType[] = ['payment', 'aml'];

const PAYMENT_COLUMNS = `id, created_at, method, purpose, source_id, status, currency, amount::text as amount,
  authorized_amount::text as authorized_amount, captured_amount::text as captured_amount,
  refunded_amount::text as refunded_amount, capture_method, decline_reason, description, metadata,
  fee_micros::text as fee_micros, fee_returned_micros::text as fee_returned_micros, fee_on_refund`;

const paymentPages = (em: EntityManager, customerId: string) =>
  subjectPages(em, { select: PAYMENT_COLUMNS, from: 'payment_intent', where: 'customer_id = ?' }, [
    customerId,
  ]);

const parseJson = (value: unknown) => (typeof value === 'string' ? JSON.parse(value) : value);

/**
 * The subject's part of payments: its customer record, payments, their captures, voids and
 * refunds, the gateway's fee on each, and metered usage. Every section pages through the
 * customer's rows by keyset, so a history of any length streams in bounded memory. The profile
 * (name, email...) is the customer-profile hooks' section, not this one.
 */
export function exportPayments(services: GatewayServices): HookHandler<'subject.export'> {
  return async ({ em, subject }) => {
    const found = await subjectCustomer(em, services.privacy.keys, subject);
    if (!found) return [];
    const { customerId } = found;
    async function* customer() {
      yield* await query(
        em,
        `select id as "customerId", jurisdiction, created_at as "createdAt" from customer where id = ?`,
        [customerId],
      );
    }
    async function* payments() {
      for await (const page of paymentPages(em, customerId)) {
        for (const p of page) {
          yield {
            id: p.id,
            createdAt: p.created_at,
            method: p.method,
            purpose: p.purpose,
            source: p.source_id,
            status: p.status,
            currency: p.currency,
            amount: p.amount,
            authorizedAmount: p.authorized_amount,
            capturedAmount: p.captured_amount,
            refundedAmount: p.refunded_amount,
            captureMethod: p.capture_method,
            declineReason: p.decline_reason,
            description: p.description,
            metadata: parseJson(p.metadata),
          };
        }
      }
    }
    async function* operations() {
      // Only the ids: the page is read to find the operations, not to be exported again.
      const ids = subjectPages(em, { select: 'id', from: 'payment_intent', where: 'customer_id = ?' }, [
        customerId,
      ]);
      for await (const page of ids) {
        const ids = longText(`{${page.map((p) => p.id).join(',')}}`);
        yield* await query(
          em,
          `select id, payment_id as "paymentId", kind, amount::text as amount, status,
             decline_reason as "declineReason", created_at as "createdAt", resolved_at as "resolvedAt"
           from payment_operation where payment_id = any(?::uuid[]) order by created_at, id`,
          [ids],
        );
      }
    }
    async function* fees() {
      // Payments without a fee are skipped in SQL: most of a long history never leaves PostgreSQL.
      const charged = subjectPages(
        em,
        {
          select: `id, currency, fee_micros::text as fee_micros, fee_returned_micros::text as fee_returned_micros,
            fee_on_refund`,
          from: 'payment_intent',
          where: 'customer_id = ? and (fee_micros <> 0 or fee_returned_micros <> 0)',
        },
        [customerId],
      );
      for await (const page of charged) {
        for (const p of page) {
          yield {
            paymentId: p.id,
            currency: p.currency,
            feeMicros: p.fee_micros,
            feeReturnedMicros: p.fee_returned_micros,
            feeOnRefund: p.fee_on_refund,
          };
        }
      }
    }
    async function* meters() {
      yield* await query(
        em,
        `select id, currency, unit_price_micros::text as "unitPriceMicros", method, description,
           accrued_micros::text as "accruedMicros", billed_minor::text as "billedMinor", created_at as "createdAt"
         from usage_meter where customer_id = ? order by created_at, id`,
        [customerId],
      );
    }
    async function* usage() {
      const ids = await query<{ id: string }>(
        em,
        'select id from usage_meter where customer_id = ? order by created_at, id',
        [customerId],
      );
      for (const { id } of ids) {
        for await (const page of subjectPages(
          em,
          {
            select:
              'id, meter_id, kind, quantity::text as quantity, amount_micros::text as amount_micros, created_at',
            from: 'usage_record',
            where: 'meter_id = ?',
          },
          [id],
        )) {
          for (const r of page) {
            yield {
              id: r.id,
              meterId: r.meter_id,
              kind: r.kind,
              quantity: r.quantity,
              amountMicros: r.amount_micros,
              createdAt: r.created_at,
            };
          }
        }
      }
    }
    return [
      { name: 'payments.customer', source: 'provided', records: customer() },
      { name: 'payments.payments', source: 'observed', records: payments() },
      { name: 'payments.operations', source: 'observed', records: operations() },
      // The fee is the merchant's price for the gateway, computed on the subject's payment.
      { name: 'payments.fees', source: 'derived', records: fees() },
      { name: 'payments.usage-meters', source: 'observed', records: meters() },
      { name: 'payments.usage-records', source: 'observed', records: usage() },
    ];
  };
}

const PAYMENTS_KEPT =
  'payments with their captures, voids, refunds and fees (amounts, dates, status); their descriptions and metadata sealed apart';
const METERS_KEPT = 'metered usage (meters and their usage records); the meter descriptions sealed apart';

/**
 * Erases what payments keeps about the subject, in the erasure's transaction. Payments and
 * metered usage are payment records: each one a retention hold still covers (`holdFor` with the
 * record's date) is kept, its free text (description, metadata: what the merchant wrote) moved
 * apart under the hold key with its own purge date; free text past every hold is deleted. The
 * amounts stay where they are: the ledger must still balance and no total may change, and once
 * the subject's key (and later its hold key) is gone they describe nobody. The masked hint of a
 * pending action (`actionHint`) is erased outright. The journal entries that copy a payment's
 * description lose it too (their amounts are untouched).
 */
export function erasePayments(services: GatewayServices): HookHandler<'subject.erase'> {
  return async ({ em, subject }) => {
    const found = await subjectCustomer(em, services.privacy.keys, subject);
    if (!found) return { erased: [], kept: [] };
    const now = new Date();
    const counts = { pastHold: 0, metersPastHold: 0 };
    const { holds } = services.privacy;
    const owner = (what: string) => ({
      subjectId: found.subjectId,
      merchantId: subject.merchantId,
      plugin: 'payments',
      what,
    });

    async function* heldPayments(): AsyncGenerator<HeldRecordInput> {
      for await (const page of paymentPages(em, found!.customerId)) {
        for (const p of page) {
          const hold = holds.holdFor(found!.facts, PAYMENT_RECORD, new Date(p.created_at as string), now);
          if (!hold) {
            counts.pastHold++;
            continue;
          }
          const metadata = parseJson(p.metadata) as unknown[];
          const text = p.description !== null || metadata.length > 0;
          yield {
            recordId: p.id as string,
            hold,
            payload: text ? { description: p.description, metadata } : null,
          };
        }
      }
    }
    async function* heldMeters(): AsyncGenerator<HeldRecordInput> {
      const meters = await query<{ id: string; description: string | null; last: Date | string }>(
        em,
        `select m.id, m.description, greatest(m.created_at, max(r.created_at)) as last
           from usage_meter m left join usage_record r on r.meter_id = m.id
          where m.customer_id = ? group by m.id order by m.created_at, m.id`,
        [found!.customerId],
      );
      for (const m of meters) {
        const hold = holds.holdFor(found!.facts, PAYMENT_RECORD, new Date(m.last), now);
        if (!hold) {
          counts.metersPastHold++;
          continue;
        }
        yield {
          recordId: m.id,
          hold,
          payload: m.description === null ? null : { description: m.description },
        };
      }
    }

    const kept: RetainedRecord[] = [
      ...(await holds.keep(em, owner(PAYMENTS_KEPT), heldPayments())),
      ...(await holds.keep(em, owner(METERS_KEPT), heldMeters())),
    ];
    await clearFreeText(em, found);
    const erased = [
      'actionHint',
      'PaymentIntent.description and metadata (moved under the hold key when held)',
    ];
    if (counts.pastHold > 0)
      erased.push(`description and metadata of ${counts.pastHold} payment(s) no hold covers`);
    if (counts.metersPastHold > 0)
      erased.push(`description of ${counts.metersPastHold} usage meter(s) no hold covers`);
    kept.push(
      anonymousRecord('payment and usage amounts in the ledger', 'the ledger, which must still balance'),
    );
    return { erased, kept };
  };
}

/** Clears the free text of the customer's payments, meters and the journal entries that copy it. */
async function clearFreeText(em: EntityManager, found: SubjectCustomer): Promise<void> {
  await query(
    em,
    `update journal_entry e set description = null from payment_intent p
      where p.customer_id = ? and e.reference = 'payment:' || p.id::text and e.description is not null`,
    [found.customerId],
  );
  await query(
    em,
    `update journal_entry e set description = null from usage_meter m
      where m.customer_id = ? and e.reference = 'usage_meter:' || m.id::text and e.description is not null`,
    [found.customerId],
  );
  await query(
    em,
    `update payment_intent set description = null, metadata = '[]', action_hint = null
      where customer_id = ? and (description is not null or metadata <> '[]'::jsonb or action_hint is not null)`,
    [found.customerId],
  );
  await query(
    em,
    'update usage_meter set description = null where customer_id = ? and description is not null',
    [found.customerId],
  );
}

/**
 * The payments plugin's two subject hooks: the profile the merchant stored (customer-profile.ts)
 * and the payment history, one answer each (a plugin handles a hook once).
 */
export function paymentsSubjectHooks(services: GatewayServices): {
  'subject.export': HookHandler<'subject.export'>;
  'subject.erase': HookHandler<'subject.erase'>;
} {
  const { keys } = services.privacy;
  const [profileSections, paymentSections] = [exportProfile(keys), exportPayments(services)];
  const [profileErasure, paymentErasure] = [eraseProfile(keys), erasePayments(services)];
  return {
    'subject.export': async (input) => [...(await profileSections(input)), ...(await paymentSections(input))],
    'subject.erase': async (input) => {
      const profile = await profileErasure(input);
      const payments = await paymentErasure(input);
      return { erased: [...profile.erased, ...payments.erased], kept: [...profile.kept, ...payments.kept] };
    },
  };
}
