import { type AuthenticatedContext, Merchant, type RequestContext } from '../../core/plugin-api.ts';
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
 * The seam between consent and the customer profile: the payments customer of the merchant's
 * reference (found through its privacy subject, since the reference is stored only sealed) and
 * its `profileFacts`, the country of residence (else the customer's jurisdiction), the birth
 * date, both sealed under the subject's key, and the merchant's establishment. With no customer,
 * only the merchant's country is known. A gateway built with `consentPluginWith(reader)` may take
 * them from elsewhere.
 */
export const readSubjectFacts: SubjectFactsReader = async (ctx, { merchantId, customerRef }) => {
  const subjectId =
    ctx.principal.kind === 'anonymous'
      ? null
      : await ctx.services.privacy.keys.findSubjectId(ctx.em, { merchantId, customerRef });
  const customer = subjectId
    ? await ctx.em.findOne(Customer, { merchant: merchantId, subject: subjectId }, { fields: ['id'] })
    : null;
  if (!customer || ctx.principal.kind === 'anonymous') {
    const merchant = await ctx.em.findOne(Merchant, { id: merchantId }, { fields: ['country'] });
    return {
      customerId: null,
      jurisdiction: null,
      birthDate: null,
      merchantCountry: merchant?.country ?? null,
    };
  }
  const facts = await ctx.services.payments.customers.profileFacts(ctx as AuthenticatedContext, customer.id);
  return {
    customerId: customer.id,
    jurisdiction: facts.countryOfResidence,
    birthDate: facts.birthDate,
    merchantCountry: facts.merchantCountry,
  };
};
