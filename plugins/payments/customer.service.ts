import {
  isUuid,
  merchantFilter,
  NotFoundError,
  type RequestContext,
  ValidationError,
} from '../../core/plugin-api.ts';
import { Customer } from './customer.entity.ts';

/** ISO 3166-1 alpha-2, optionally with an ISO 3166-2 subdivision: DE, KR, US-CA, GB-SCT. */
const JURISDICTION = /^[A-Z]{2}(-[A-Z0-9]{1,3})?$/;

export interface CreateCustomerInput {
  externalRef: string;
  jurisdiction: string;
}

export class CustomerService {
  async create(ctx: RequestContext, merchantId: string, input: CreateCustomerInput): Promise<Customer> {
    const externalRef = input.externalRef.trim();
    if (externalRef.length === 0 || externalRef.length > 200) {
      throw new ValidationError('externalRef', 'externalRef must be 1 to 200 characters');
    }
    if (!JURISDICTION.test(input.jurisdiction)) {
      throw new ValidationError(
        'jurisdiction',
        'jurisdiction must be an ISO 3166-1 alpha-2 code, optionally with an ISO 3166-2 subdivision (DE, KR, US-CA)',
      );
    }
    const existing = await ctx.em.findOne(Customer, { merchant: merchantId, externalRef });
    if (existing)
      throw new ValidationError('externalRef', 'this merchant already has a customer with that externalRef');
    const customer = ctx.em.create(Customer, {
      merchant: merchantId,
      externalRef,
      jurisdiction: input.jurisdiction,
    });
    await ctx.em.flush();
    return customer;
  }

  /** The customer, if this principal may see it; a customer session sees only itself. */
  async get(ctx: RequestContext, id: string): Promise<Customer> {
    const filter = merchantFilter(ctx.principal);
    const customer = filter && isUuid(id) ? await ctx.em.findOne(Customer, { id, ...filter }) : null;
    if (!customer || !this.isSelfOrStaff(ctx, customer)) throw new NotFoundError('Customer', id);
    return customer;
  }

  list(ctx: RequestContext, limit: number, offset: number): Promise<Customer[]> {
    const filter = merchantFilter(ctx.principal);
    if (!filter) return Promise.resolve([]);
    const self = ctx.principal.kind === 'customer' ? { externalRef: ctx.principal.customerRef } : {};
    return ctx.em.find(
      Customer,
      { ...filter, ...self },
      { orderBy: { createdAt: 'asc', id: 'asc' }, limit, offset },
    );
  }

  private isSelfOrStaff(ctx: RequestContext, customer: Customer): boolean {
    return ctx.principal.kind !== 'customer' || ctx.principal.customerRef === customer.externalRef;
  }
}
