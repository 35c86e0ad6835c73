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

/** The subject's sandbox-card payments' authorization ids (a payment's `methodReference`). */
const PAID_BY_SUBJECT = `select p.method_reference from payment_intent p join customer c on c.id = p.customer_id
  where c.merchant_id = ? and c.subject_id = ? and p.method = 'sandbox-card' and p.method_reference is not null`;

/**
 * The subject's cards: those tokenized through its session, and those its payments used (a
 * merchant's backend may tokenize for it). A token never held the number or the CVC.
 */
const CARDS = `(t.subject_id = ? or t.id::text in (select p.source_id from payment_intent p join customer c
  on c.id = p.customer_id where c.merchant_id = ? and c.subject_id = ? and p.method = 'sandbox-card'))`;

async function live(keys: SubjectKeys, em: EntityManager, subject: DataSubject) {
  const subjectId = await keys.findSubjectId(em, subject);
  return subjectId && { subjectId, cards: [subjectId, subject.merchantId, subjectId] };
}

/**
 * The subject's cards as the gateway keeps them (brand, last 4, expiry: never a full number,
 * which was never stored) and the network's authorizations of its payments. Keyset-paged.
 */
export const exportSandboxCard =
  (keys: SubjectKeys): HookHandler<'subject.export'> =>
  ({ em, subject }) => {
    async function* cards() {
      const found = await live(keys, em, subject);
      if (!found) return;
      yield* subjectRows(
        em,
        {
          select: `t.id, t.brand, t.last4, t.exp_month as "expMonth", t.exp_year as "expYear", t.created_at as "createdAt"`,
          from: 'sandbox_card_token t',
          where: CARDS,
        },
        found.cards,
        't',
      );
    }
    async function* authorizations() {
      const found = await live(keys, em, subject);
      if (!found) return;
      yield* subjectRows(
        em,
        {
          select: `a.id, a.token_id as "cardId", a.currency, a.amount::text as amount, a.status,
            a.decline_reason as "declineReason", a.captured::text as captured, a.refunded::text as refunded,
            a.created_at as "createdAt"`,
          from: 'sandbox_card_authorization a',
          where: `a.id::text in (${PAID_BY_SUBJECT})`,
        },
        [subject.merchantId, found.subjectId],
        'a',
      );
    }
    return [
      { name: 'sandbox-card.cards', source: 'provided', records: cards() },
      { name: 'sandbox-card.authorizations', source: 'observed', records: authorizations() },
    ];
  };

/**
 * Deletes the subject's tokens that never paid. A card that paid is part of the payment record
 * (brand, last 4, expiry; its authorizations at the network): each such card a retention hold
 * still covers (`holds.holdFor` from its newest authorization, under the packs that apply to the
 * payer) is registered under the subject's hold key with its own purge date, as payments does.
 * The rows stay, pointing at a subject whose key is shredded, so they name nobody.
 */
export const eraseSandboxCard =
  (services: GatewayServices): HookHandler<'subject.erase'> =>
  async ({ em, subject }) => {
    const { keys, holds } = services.privacy;
    const found = await live(keys, em, subject);
    if (!found) return { erased: [], kept: [] };
    const facts = await subjectHoldFacts(em, keys, subject);
    await query(
      em,
      `delete from sandbox_card_token t where t.subject_id = ?
       and not exists (select 1 from sandbox_card_authorization a where a.token_id = t.id)`,
      [found.subjectId],
    );
    const { cards } = found;
    const now = new Date();
    let paid = 0;
    async function* held(): AsyncGenerator<HeldRecordInput> {
      for await (const page of subjectPages(
        em,
        {
          select: `t.id, (select max(a.created_at) from sandbox_card_authorization a where a.token_id = t.id)::text as last`,
          from: 'sandbox_card_token t',
          where: `${CARDS} and exists (select 1 from sandbox_card_authorization a where a.token_id = t.id)`,
        },
        cards,
        't',
      )) {
        for (const card of page) {
          paid++;
          const hold = holds.holdFor(facts, PAYMENT_RECORD, new Date(card.last as string), now);
          if (hold) yield { recordId: card.id as string, hold, payload: null };
        }
      }
    }
    const kept: RetainedRecord[] = await holds.keep(
      em,
      {
        subjectId: found.subjectId,
        merchantId: subject.merchantId,
        plugin: 'sandbox-card',
        what: 'card tokens that paid (brand, last 4, expiry) and the network’s authorizations of them',
      },
      held(),
    );
    if (paid > 0) {
      kept.push(anonymousRecord('network authorization amounts', 'the ledger'));
    }
    return { erased: ['SandboxCardToken (never used to pay)'], kept };
  };
