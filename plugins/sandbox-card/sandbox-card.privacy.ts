import type { EntityManager } from '@mikro-orm/core';
import {
  type DataSubject,
  deadline,
  type HookHandler,
  query,
  type RetainedRecord,
  type SubjectKeys,
  subjectRows,
} from '../../core/plugin-api.ts';

/**
 * The rule that keeps a card that paid, and the network's authorizations, after the payer's
 * erasure: they are the record of a payment (Korea: E-Commerce Act Art. 6 with its Enforcement
 * Decree Art. 6(1), 5 years; EFTA Art. 22; in the EU, AML record keeping, GDPR Art. 17(3)(b)).
 */
export const CARD_RULE =
  'payment records: Korea E-Commerce Act Art. 6 and Enforcement Decree Art. 6(1) (5 years), EFTA Art. 22; EU AML record keeping, GDPR Art. 17(3)(b) (5 years)';
const CARD_HOLD = { amount: 5, unit: 'years' } as const;

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
 * (brand, last 4, expiry; its authorizations at the network): kept under the payment-record
 * rule, pointing at a subject whose key is shredded, so it names nobody.
 */
export const eraseSandboxCard =
  (keys: SubjectKeys): HookHandler<'subject.erase'> =>
  async ({ em, subject }) => {
    const found = await live(keys, em, subject);
    if (!found) return { erased: [], kept: [] };
    await query(
      em,
      `delete from sandbox_card_token t where t.subject_id = ?
       and not exists (select 1 from sandbox_card_authorization a where a.token_id = t.id)`,
      [found.subjectId],
    );
    const [paid] = await query<{ n: number; newest: string | null }>(
      em,
      `select count(distinct t.id)::int as n, max(a.created_at)::text as newest
       from sandbox_card_token t join sandbox_card_authorization a on a.token_id = t.id where ${CARDS}`,
      found.cards,
    );
    const kept: RetainedRecord[] =
      paid && paid.n > 0 && paid.newest
        ? [
            {
              what: `${paid.n} card token(s) that paid (brand, last 4, expiry) and the network's authorizations of them`,
              rule: CARD_RULE,
              until: deadline(new Date(paid.newest), CARD_HOLD),
            },
          ]
        : [];
    return { erased: ['SandboxCardToken (never used to pay)'], kept };
  };
