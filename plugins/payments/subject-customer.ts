import type { EntityManager } from '@mikro-orm/core';
import { type DataSubject, type HoldFacts, query, type SubjectKeys } from '../../core/plugin-api.ts';

/** A data subject as the payments plugin knows it: its customer row and where the law sees it. */
export interface SubjectCustomer {
  readonly customerId: string;
  readonly subjectId: string;
  /** For `services.privacy.holds.holdFor`: the same facts consent reads (`profileFacts`). */
  readonly facts: HoldFacts;
}

/**
 * The merchant's customer that is this subject, or null (never seen, or already erased: its key
 * is shredded, so no live subject matches the reference). The jurisdiction is the profile's
 * country of residence, else the customer's `jurisdiction`, as `customers.profileFacts` says;
 * read before the erasure shreds the key that opens it. Payments, the wallet and fraud share it.
 */
export async function subjectCustomer(
  em: EntityManager,
  keys: SubjectKeys,
  subject: DataSubject,
): Promise<SubjectCustomer | null> {
  const subjectId = await keys.findSubjectId(em, subject);
  if (!subjectId) return null;
  const [row] = await query<{
    id: string;
    jurisdiction: string;
    country_of_residence: string | null;
    merchant_country: string | null;
  }>(
    em,
    `select c.id, c.jurisdiction, c.country_of_residence, m.country as merchant_country
       from customer c join merchant m on m.id = c.merchant_id
      where c.merchant_id = ? and c.subject_id = ?`,
    [subject.merchantId, subjectId],
  );
  if (!row) return null;
  // The binding is customer-profile.ts's `bindingOf`.
  const residence = row.country_of_residence
    ? await keys.open(em, row.country_of_residence, `Customer.countryOfResidence:${row.id}`)
    : null;
  return {
    customerId: row.id,
    subjectId,
    facts: {
      merchantId: subject.merchantId,
      jurisdiction: residence ?? row.jurisdiction,
      establishment: row.merchant_country,
    },
  };
}

/**
 * Where the law sees a subject, for `holds.holdFor`: its customer's facts, else (a subject the
 * merchant knows only through a session) the merchant's establishment alone. Payment methods that
 * keep their own payment records (carrier-billing, sandbox-card) ask it in their erasure.
 */
export async function subjectHoldFacts(
  em: EntityManager,
  keys: SubjectKeys,
  subject: DataSubject,
): Promise<HoldFacts> {
  const found = await subjectCustomer(em, keys, subject);
  if (found) return found.facts;
  const [merchant] = await query<{ country: string | null }>(
    em,
    'select country from merchant where id = ?',
    [subject.merchantId],
  );
  return { merchantId: subject.merchantId, jurisdiction: null, establishment: merchant?.country ?? null };
}
