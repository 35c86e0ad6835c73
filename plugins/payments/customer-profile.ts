import type { EntityManager } from '@mikro-orm/core';
import {
  countryOf,
  type HookHandler,
  PROFILE_FIELDS,
  type ProfileField,
  type SubjectKeys,
  ValidationError,
} from '../../core/plugin-api.ts';
import { Customer } from './customer.entity.ts';

/** A profile as the API reads and writes it: clear values; absent means not given. */
export type CustomerProfile = { [F in ProfileField]?: string | null };

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** E.164: a plus, a country code, at most 15 digits in all. */
const PHONE = /^\+[1-9]\d{6,14}$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function validBirthDate(value: string): boolean {
  const match = DATE.exec(value);
  if (!match) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return (
    !Number.isNaN(date.getTime()) &&
    date.toISOString().startsWith(value) &&
    Number(match[1]) >= 1900 &&
    date.getTime() <= Date.now()
  );
}

const RULES: Record<ProfileField, { valid(value: string): boolean; message: string }> = {
  name: { valid: (v) => v.length <= 200, message: 'name must be 1 to 200 characters' },
  email: {
    valid: (v) => v.length <= 254 && EMAIL.test(v),
    message: 'email must be an address (a@b.example)',
  },
  phone: { valid: (v) => PHONE.test(v), message: 'phone must be in E.164 form (+821012345678)' },
  birthDate: {
    valid: validBirthDate,
    message: 'birthDate must be a past date, YYYY-MM-DD, from 1900 on',
  },
  countryOfResidence: {
    valid: (v) => countryOf(v) !== null,
    message: 'countryOfResidence must be an ISO 3166-1 alpha-2 or ISO 3166-2 code (DE, KR, US-CA)',
  },
};

/**
 * The given fields, trimmed and checked: a field set to null clears it, an absent one is left
 * alone. Throws a ValidationError naming the first bad field.
 */
export function validProfile(input: CustomerProfile): Partial<Record<ProfileField, string | null>> {
  const out: Partial<Record<ProfileField, string | null>> = {};
  for (const field of PROFILE_FIELDS) {
    const raw = input[field];
    if (raw === undefined) continue;
    const value = raw === null ? '' : raw.trim();
    if (value === '') {
      out[field] = null;
      continue;
    }
    const rule = RULES[field];
    if (!rule.valid(value)) throw new ValidationError(`profile.${field}`, rule.message);
    out[field] = value;
  }
  return out;
}

/** Where a profile value is stored: the binding that ties its ciphertext to this row and column. */
export const bindingOf = (customer: Customer, field: ProfileField) => `Customer.${field}:${customer.id}`;

/** Seals each given value under the customer's subject key onto the entity (flushed by the caller). */
export async function sealProfile(
  em: EntityManager,
  keys: SubjectKeys,
  customer: Customer,
  subjectId: string,
  profile: Partial<Record<ProfileField, string | null>>,
): Promise<void> {
  for (const field of PROFILE_FIELDS) {
    const value = profile[field];
    if (value === undefined) continue;
    customer[field] =
      value === null ? null : await keys.seal(em, subjectId, value, bindingOf(customer, field));
  }
}

/** The clear profile: one read of the subject's key; every value null once the subject is shredded. */
export async function openProfile(
  em: EntityManager,
  keys: SubjectKeys,
  customer: Customer,
): Promise<Record<ProfileField, string | null>> {
  const values = await keys.openAll(
    em,
    PROFILE_FIELDS.map((field) => ({ sealed: customer[field] ?? null, binding: bindingOf(customer, field) })),
  );
  return Object.fromEntries(PROFILE_FIELDS.map((field, i) => [field, values[i] ?? null])) as Record<
    ProfileField,
    string | null
  >;
}

/**
 * The subject's profile as the merchant stored it, opened (`payments.customer-profile`): the
 * fields are the subject's own, so `provided`. One customer per subject: one record. Wired by
 * the payments plugin's `subject.export` next to its own sections.
 */
export const exportProfile =
  (keys: SubjectKeys): HookHandler<'subject.export'> =>
  async ({ em, subject }) => {
    // A subject the merchant never had, or one already erased, has no section here.
    const subjectId = await keys.findSubjectId(em, subject);
    const customer = subjectId
      ? await em.findOne(Customer, { merchant: subject.merchantId, subject: subjectId })
      : null;
    if (!customer) return [];
    async function* records() {
      yield { customerId: customer!.id, ...(await openProfile(em, keys, customer!)) };
    }
    return [{ name: 'payments.customer-profile', source: 'provided', records: records() }];
  };

/**
 * Clears every profile field: the sealed values go now, in the erasure's transaction, rather than
 * only becoming unreadable when the subject's key is shredded after every plugin has answered.
 * No law keeps a name or an email for a payment record.
 */
export const eraseProfile =
  (keys: SubjectKeys): HookHandler<'subject.erase'> =>
  async ({ em, subject }) => {
    const subjectId = await keys.findSubjectId(em, subject);
    if (!subjectId) return { erased: [], kept: [] };
    await em.nativeUpdate(
      Customer,
      { merchant: subject.merchantId, subject: subjectId },
      Object.fromEntries(PROFILE_FIELDS.map((field) => [field, null])),
    );
    return { erased: PROFILE_FIELDS.map((field) => `Customer.${field}`), kept: [] };
  };
