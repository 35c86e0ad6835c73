import { randomUUID } from 'node:crypto';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import {
  type AuthenticatedContext,
  type ConsentQuestion,
  type DataSubject,
  isUuid,
  Merchant,
  type MerchantContext,
  merchantFilter,
  NotFoundError,
  type OperatorContext,
  type PartnerContext,
  PROFILE_FIELDS,
  type ProfileField,
  type RequestContext,
  ValidationError,
} from '../../core/plugin-api.ts';
import { Customer } from './customer.entity.ts';
import {
  bindingOf,
  type CustomerProfile,
  openProfile,
  sealProfile,
  validProfile,
} from './customer-profile.ts';

/** ISO 3166-1 alpha-2, optionally with an ISO 3166-2 subdivision: DE, KR, US-CA, GB-SCT. */
const JURISDICTION = /^[A-Z]{2}(-[A-Z0-9]{1,3})?$/;

export interface CreateCustomerInput {
  customerRef?: string | null;
  /** The old name of `customerRef`, accepted for one release. */
  externalRef?: string | null;
  jurisdiction: string;
  /** Optional; each value sealed under the customer's subject key. */
  profile?: CustomerProfile | null;
}

/** What consent and the regulation packs decide on: clear values, read for one decision, never stored elsewhere. */
export interface ProfileFacts {
  /** The profile's country of residence, else the customer's jurisdiction (both ISO 3166-1 or -2). */
  countryOfResidence: string | null;
  /** YYYY-MM-DD, or null when not given or shredded. */
  birthDate: string | null;
  /** Where the merchant is established, or null when it has not said. */
  merchantCountry: string | null;
}

/** One name for the merchant's id of the person: `customerRef`, or its deprecated alias. */
function customerRefOf(input: CreateCustomerInput): string {
  const { customerRef, externalRef } = input;
  if (customerRef != null && externalRef != null && customerRef !== externalRef) {
    throw new ValidationError(
      'customerRef',
      'give customerRef only (externalRef is its deprecated old name)',
    );
  }
  const ref = (customerRef ?? externalRef ?? '').trim();
  if (ref.length === 0 || ref.length > 200) {
    throw new ValidationError('customerRef', 'customerRef must be 1 to 200 characters');
  }
  return ref;
}

export class CustomerService {
  /** A customer of the calling merchant. */
  async create(ctx: MerchantContext, input: CreateCustomerInput): Promise<Customer> {
    const { merchantId } = ctx.principal;
    const customerRef = customerRefOf(input);
    if (!JURISDICTION.test(input.jurisdiction)) {
      throw new ValidationError(
        'jurisdiction',
        'jurisdiction must be an ISO 3166-1 alpha-2 code, optionally with an ISO 3166-2 subdivision (DE, KR, US-CA)',
      );
    }
    const profile = await this.#collectable(ctx, { merchantId, customerRef }, input.profile ?? {});
    const { keys } = ctx.services.privacy;
    // The reference is stored only on the subject, sealed; the blind index finds it.
    const known = await keys.findSubjectId(ctx.em, { merchantId, customerRef });
    const taken = () =>
      new ValidationError('customerRef', 'this merchant already has a customer with that customerRef');
    if (known && (await ctx.em.count(Customer, { subject: known })) > 0) throw taken();
    try {
      return await ctx.em.transactional(async (em) => {
        const subjectId = known ?? (await keys.subjectId(em, { merchantId, customerRef }));
        const customer = em.create(Customer, {
          id: randomUUID(),
          merchant: merchantId,
          subject: subjectId,
          jurisdiction: input.jurisdiction,
        });
        await sealProfile(em, keys, customer, subjectId, profile);
        await em.flush();
        return customer;
      });
    } catch (error) {
      // A concurrent request with the same reference won the race (one customer per subject).
      if (error instanceof UniqueConstraintViolationException) throw taken();
      throw error;
    }
  }

  /**
   * Sets the given profile fields (null clears one, an absent one is kept). The merchant's own
   * customers only: another merchant's id answers as unknown.
   */
  async setProfile(ctx: MerchantContext, id: string, input: CustomerProfile): Promise<Customer> {
    const { merchantId } = ctx.principal;
    validProfile(input);
    const customer = isUuid(id) ? await ctx.em.findOne(Customer, { id, merchant: merchantId }) : null;
    if (!customer) throw new NotFoundError('Customer', id);
    const customerRef = await this.customerRef(ctx, customer);
    if (customerRef === null) {
      throw new ValidationError(
        'customerId',
        'this customer’s personal data was erased: nothing can be stored for it',
      );
    }
    const profile = await this.#collectable(ctx, { merchantId, customerRef }, input);
    await sealProfile(ctx.em, ctx.services.privacy.keys, customer, customer.subject.id, profile);
    await ctx.em.flush();
    return customer;
  }

  /**
   * Clears what the merchant may keep no longer once the subject withheld a consent (GDPR Art.
   * 7(3) and 17(1)(b), PIPA Art. 21(1)): the profile fields that only consent-based purposes
   * need, none of which `allows` still says yes to. Asked by the consent plugin after it records
   * a withdrawal or a refusal. Answers the fields cleared; an unknown customer has none.
   */
  async dropUncollectable(
    ctx: RequestContext,
    merchantId: string,
    customerId: string,
    allows: ConsentQuestion,
  ): Promise<ProfileField[]> {
    const customer = await ctx.em.findOne(Customer, { id: customerId, merchant: merchantId });
    if (!customer) return [];
    const stored = PROFILE_FIELDS.filter((field) => customer[field] != null);
    const { privacy } = ctx.services;
    const dropped = await privacy.purposes.uncollectable(merchantId, stored, allows);
    if (dropped.length === 0) return [];
    const cleared = Object.fromEntries(dropped.map((field) => [field, null]));
    await sealProfile(ctx.em, privacy.keys, customer, customer.subject.id, cleared);
    await ctx.em.flush();
    return dropped;
  }

  /** The merchant's own id for the customer, opened from its subject; null once shredded. */
  customerRef(ctx: RequestContext, customer: Customer): Promise<string | null> {
    return ctx.services.privacy.keys.customerRef(ctx.em, customer.subject.id);
  }

  /** The customer's clear profile; every field null once its subject is shredded. */
  profile(ctx: RequestContext, customer: Customer): Promise<Required<CustomerProfile>> {
    return openProfile(ctx.em, ctx.services.privacy.keys, customer);
  }

  /**
   * For consent and the regulation packs (`services.payments.customers.profileFacts`): what
   * decides which law applies and whether the customer is a minor. Scoped like `get`.
   */
  async profileFacts(ctx: AuthenticatedContext, customerId: string): Promise<ProfileFacts> {
    const customer = await this.get(ctx, customerId);
    const [country, birthDate] = await ctx.services.privacy.keys.openAll(ctx.em, [
      { sealed: customer.countryOfResidence ?? null, binding: bindingOf(customer, 'countryOfResidence') },
      { sealed: customer.birthDate ?? null, binding: bindingOf(customer, 'birthDate') },
    ]);
    const merchant = await ctx.em.findOneOrFail(Merchant, { id: customer.merchant.id });
    return {
      countryOfResidence: country ?? customer.jurisdiction,
      birthDate: birthDate ?? null,
      merchantCountry: merchant.country ?? null,
    };
  }

  /**
   * The valid profile, if every field given a value is needed by a purpose enabled for the
   * merchant, and, where that purpose rests on consent, allowed by the subject (clearing a field
   * is always allowed). Checked before anything is written. Without the consent plugin no
   * subject can have consented, so a consent-based purpose collects nothing.
   */
  async #collectable(
    ctx: MerchantContext,
    subject: DataSubject,
    input: CustomerProfile,
  ): Promise<Partial<Record<ProfileField, string | null>>> {
    const profile = validProfile(input);
    const given = PROFILE_FIELDS.filter((field) => profile[field] != null);
    const { services } = ctx;
    await services.privacy.purposes.assertCollectable(subject.merchantId, given, (purpose) =>
      'consent' in services ? services.consent.allows(ctx, subject, purpose) : Promise.resolve(false),
    );
    return profile;
  }

  /** The customer, if this principal may see it; a customer session sees only itself. */
  async get(ctx: AuthenticatedContext, id: string): Promise<Customer> {
    const customer = isUuid(id)
      ? await ctx.em.findOne(Customer, { id, ...merchantFilter(ctx.principal) })
      : null;
    if (!customer || !this.isSelfOrStaff(ctx, customer)) throw new NotFoundError('Customer', id);
    return customer;
  }

  /** Behind the operator, merchant and partner scopes: a customer session may only `get` itself. */
  list(
    ctx: OperatorContext | MerchantContext | PartnerContext,
    limit: number,
    offset: number,
  ): Promise<Customer[]> {
    return ctx.em.find(Customer, merchantFilter(ctx.principal), {
      orderBy: { createdAt: 'asc', id: 'asc' },
      limit,
      offset,
    });
  }

  private isSelfOrStaff(ctx: AuthenticatedContext, customer: Customer): boolean {
    return ctx.principal.kind !== 'customer' || ctx.principal.subjectId === customer.subject.id;
  }
}
