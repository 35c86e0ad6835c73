import type { EntityManager } from '@mikro-orm/core';
import {
  anonymousRecord,
  type DataSubject,
  type GatewayServices,
  type HeldRecordInput,
  type HookHandler,
  query,
  type RetainedRecord,
  type SubjectKeys,
  subjectPages,
  subjectRows,
} from '../../core/plugin-api.ts';
import { PAYMENT_RECORD, subjectHoldFacts } from '../payments/api.ts';
import { phoneBinding } from './subscriber-directory.ts';

/** The subject's live id, or null: never seen, or already erased (its key is shredded). */
const subjectIdOf = (keys: SubjectKeys, em: EntityManager, subject: DataSubject) =>
  keys.findSubjectId(em, subject);

/**
 * The phones the subject verified (opened from their sealed numbers), the verifications and
 * the charges made with them. Never a code nor a code's hash; each section reads a page at a
 * time (keyset), so a long history streams.
 */
export const exportCarrierBilling =
  (keys: SubjectKeys): HookHandler<'subject.export'> =>
  ({ em, subject }) => {
    const phone = async (
      entity: 'CarrierVerification' | 'CarrierBillingSource',
      id: unknown,
      sealed: unknown,
    ) => (typeof sealed === 'string' ? keys.open(em, sealed, phoneBinding(entity, String(id))) : null);
    async function* sources() {
      const subjectId = await subjectIdOf(keys, em, subject);
      if (!subjectId) return;
      for await (const r of subjectRows(
        em,
        {
          select: 'id, carrier, phone_sealed, created_at',
          from: 'carrier_billing_source',
          where: 'subject_id = ?',
        },
        [subjectId],
      )) {
        yield {
          id: r.id,
          carrier: r.carrier,
          phoneNumber: await phone('CarrierBillingSource', r.id, r.phone_sealed),
          createdAt: r.created_at,
        };
      }
    }
    async function* verifications() {
      const subjectId = await subjectIdOf(keys, em, subject);
      if (!subjectId) return;
      for await (const r of subjectRows(
        em,
        {
          select: 'v.id, v.phone_sealed, l.carrier, v.attempts, v.expires_at, v.verified_at, v.created_at',
          from: 'carrier_verification v join carrier_subscriber l on l.id = v.subscriber_id',
          where: 'v.subject_id = ?',
        },
        [subjectId],
        'v',
      )) {
        yield {
          id: r.id,
          phoneNumber: await phone('CarrierVerification', r.id, r.phone_sealed),
          carrier: r.carrier,
          codesTried: r.attempts,
          expiresAt: r.expires_at,
          verifiedAt: r.verified_at,
          createdAt: r.created_at,
        };
      }
    }
    async function* charges() {
      const subjectId = await subjectIdOf(keys, em, subject);
      if (!subjectId) return;
      yield* subjectRows(
        em,
        {
          select: `c.id, c.source_id as "sourceId", c.currency, c.amount::text as amount, c.status,
            c.decline_reason as "declineReason", c.month, c.captured::text as captured,
            c.refunded::text as refunded, c.created_at as "createdAt"`,
          from: 'carrier_charge c join carrier_billing_source s on s.id = c.source_id',
          where: 's.subject_id = ?',
        },
        [subjectId],
        'c',
      );
    }
    return [
      { name: 'carrier-billing.phones', source: 'provided', records: sources() },
      { name: 'carrier-billing.verifications', source: 'observed', records: verifications() },
      { name: 'carrier-billing.charges', source: 'observed', records: charges() },
    ];
  };

/**
 * Erases the subject's phone numbers and what proves they held them: verifications and the
 * texts with their codes are deleted, every source's sealed number is cleared, a source that
 * never paid is deleted. Charges are payment records: each one a retention hold still covers
 * (`holds.holdFor` with the charge's date, the packs that apply to the payer) is registered
 * under the subject's hold key with its own purge date, as payments does; the rows (amounts,
 * status, month) stay with the sources they name (carrier only) and the line's keyed index and
 * monthly usage, which the cap still counts; their code hashes go. A line nobody else's row
 * names any more is deleted.
 */
export const eraseCarrierBilling =
  (services: GatewayServices): HookHandler<'subject.erase'> =>
  async ({ em, subject }) => {
    const { keys, holds } = services.privacy;
    const subjectId = await subjectIdOf(keys, em, subject);
    if (!subjectId) return { erased: [], kept: [] };
    const facts = await subjectHoldFacts(em, keys, subject);
    const args = [subjectId];
    const lines = await query<{ id: string }>(
      em,
      `select subscriber_id as id from carrier_verification where subject_id = ?
       union select subscriber_id from carrier_billing_source where subject_id = ?`,
      [subjectId, subjectId],
    );
    await query(
      em,
      `delete from carrier_sandbox_message where reference in (
         select id from carrier_verification where subject_id = ?
         union select c.id from carrier_charge c join carrier_billing_source s on s.id = c.source_id where s.subject_id = ?)`,
      [subjectId, subjectId],
    );
    await query(em, 'delete from carrier_verification where subject_id = ?', args);
    await query(
      em,
      `update carrier_charge set code_hash = null, code_expires_at = null
       where source_id in (select id from carrier_billing_source where subject_id = ?) and code_hash is not null`,
      args,
    );
    await query(em, 'update carrier_billing_source set phone_sealed = null where subject_id = ?', args);
    await query(
      em,
      `delete from carrier_billing_source s where s.subject_id = ?
       and not exists (select 1 from carrier_charge c where c.source_id = s.id)`,
      args,
    );
    const orphans = await query<{ id: string }>(
      em,
      `select l.id from carrier_subscriber l where l.id = any(?::uuid[])
       and not exists (select 1 from carrier_charge c where c.subscriber_id = l.id)
       and not exists (select 1 from carrier_billing_source s where s.subscriber_id = l.id)
       and not exists (select 1 from carrier_verification v where v.subscriber_id = l.id)`,
      [`{${lines.map((l) => l.id).join(',')}}`],
    );
    for (const table of ['carrier_monthly_usage', 'carrier_sandbox_message']) {
      await query(em, `delete from ${table} where subscriber_id = any(?::uuid[])`, [
        `{${orphans.map((l) => l.id).join(',')}}`,
      ]);
    }
    await query(em, 'delete from carrier_subscriber where id = any(?::uuid[])', [
      `{${orphans.map((l) => l.id).join(',')}}`,
    ]);
    const now = new Date();
    let charges = 0;
    async function* held(): AsyncGenerator<HeldRecordInput> {
      for await (const page of subjectPages(
        em,
        {
          select: 'c.id, c.created_at',
          from: 'carrier_charge c join carrier_billing_source s on s.id = c.source_id',
          where: 's.subject_id = ?',
        },
        args,
        'c',
      )) {
        for (const c of page) {
          charges++;
          const hold = holds.holdFor(facts, PAYMENT_RECORD, new Date(c.created_at as string), now);
          if (hold) yield { recordId: c.id as string, hold, payload: null };
        }
      }
    }
    const kept: RetainedRecord[] = await holds.keep(
      em,
      {
        subjectId,
        merchantId: subject.merchantId,
        plugin: 'carrier-billing',
        what: 'carrier charges (amount, status, billing month, captured, refunded) with their operations, the source each names (carrier only) and the phone line’s keyed index and monthly usage',
      },
      held(),
    );
    if (charges > 0)
      kept.push(anonymousRecord('carrier charge amounts', 'the ledger and the line’s monthly cap'));
    return {
      erased: [
        'CarrierVerification',
        'CarrierSandboxMessage (texted codes)',
        'CarrierBillingSource.phoneSealed',
        'CarrierBillingSource (never charged)',
        'CarrierCharge.codeHash',
        'CarrierSubscriber (lines no other row names)',
      ],
      kept,
    };
  };
