import type { RequestContext } from '../../core/plugin-api.ts';
import { Customer } from '../payments/api.ts';

/** What consent needs to know about a subject to tell which law applies and whether it is a minor. */
export interface SubjectFacts {
  /** The payments customer with the merchant's reference, if the merchant created one. */
  readonly customerId: string | null;
  /** ISO 3166 code of residence, null when unknown. */
  readonly jurisdiction: string | null;
  /** `YYYY-MM-DD`, null when unknown (then no age rule can apply). */
  readonly birthDate: string | null;
  /** The merchant's country of establishment, null when unknown. */
  readonly merchantCountry: string | null;
}

/** Called with the request's context, whose principal may read the customer (itself, or its merchant). */
export type SubjectFactsReader = (
  ctx: RequestContext,
  subject: { merchantId: string; customerRef: string },
) => Promise<SubjectFacts>;

/**
 * The seam between consent and the customer profile. On main the payments customer has only its
 * `jurisdiction` (in clear); neither a birth date nor the merchant's establishment is stored
 * anywhere, so they are null. When the customer profile lands (branch `profile`:
 * `services.payments.customers.profileFacts(ctx, customerId)`, with the birth date and country of
 * residence sealed under the subject's key and the merchant's country), the body becomes: find
 * the customer's id as below, then return `{ customerId, jurisdiction: countryOfResidence,
 * birthDate, merchantCountry }` from `profileFacts`; nothing else in consent changes. Until then a
 * gateway built with `consentPluginWith(reader)` takes them from elsewhere (the tests do, for the
 * minor cases).
 */
export const readSubjectFacts: SubjectFactsReader = async (ctx, { merchantId, customerRef }) => {
  const customer = await ctx.em.findOne(
    Customer,
    { merchant: merchantId, externalRef: customerRef },
    { fields: ['id', 'jurisdiction'] },
  );
  return {
    customerId: customer?.id ?? null,
    jurisdiction: customer?.jurisdiction ?? null,
    birthDate: null,
    merchantCountry: null,
  };
};
