import {
  type AuthenticatedContext,
  isUuid,
  type MerchantContext,
  merchantFilter,
  NotFoundError,
  type OperatorContext,
  type PartnerContext,
  ValidationError,
} from '../../core/plugin-api.ts';
import { Customer } from './customer.entity.ts';

/** ISO 3166-1 alpha-2, optionally with an ISO 3166-2 subdivision: DE, KR, US-CA, GB-SCT. */
const JURISDICTION = /^[A-Z]{2}(-[A-Z0-9]{1,3})?$/;

export interface CreateCustomerInput {
  customerRef?: string | null;
  /** The old name of `customerRef`, accepted for one release. */
  externalRef?: string | null;
  jurisdiction: string;
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
    // Stored as `externalRef` (the column's name); the API calls it customerRef.
    const externalRef = customerRefOf(input);
    if (!JURISDICTION.test(input.jurisdiction)) {
      throw new ValidationError(
        'jurisdiction',
        'jurisdiction must be an ISO 3166-1 alpha-2 code, optionally with an ISO 3166-2 subdivision (DE, KR, US-CA)',
      );
    }
    const existing = await ctx.em.findOne(Customer, { merchant: merchantId, externalRef });
    if (existing)
      throw new ValidationError('customerRef', 'this merchant already has a customer with that customerRef');
    const customer = ctx.em.create(Customer, {
      merchant: merchantId,
      externalRef,
      jurisdiction: input.jurisdiction,
    });
    await ctx.em.flush();
    return customer;
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
    return ctx.principal.kind !== 'customer' || ctx.principal.customerRef === customer.externalRef;
  }
}
