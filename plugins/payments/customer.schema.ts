import { resolveOffsetConnection } from '@pothos/plugin-relay';
import { type GatewayBuilder, NotFoundError, ValidationError } from '../../core/plugin-api.ts';
import { Customer } from './customer.entity.ts';
import type { CustomerService } from './customer.service.ts';

export function registerCustomerSchema(builder: GatewayBuilder, customers: CustomerService): void {
  builder.objectType(Customer, {
    name: 'Customer',
    description: 'An end user of a merchant: who pays.',
    authScopes: { $any: { operator: true, merchant: true, partner: true, customer: true } },
    fields: (t) => ({
      id: t.exposeID('id'),
      merchantId: t.id({ resolve: (c) => c.merchant.id }),
      customerRef: t.exposeString('externalRef', { description: 'The merchant’s own id for this end user.' }),
      externalRef: t.exposeString('externalRef', {
        deprecationReason: 'Use customerRef (the same value); removed in the next release.',
      }),
      jurisdiction: t.exposeString('jurisdiction', {
        description: 'ISO 3166-1 alpha-2 or ISO 3166-2 code (DE, KR, US-CA): which law applies.',
      }),
      createdAt: t.expose('createdAt', { type: 'DateTime' }),
    }),
  });

  const CreateCustomerInput = builder.inputType('CreateCustomerInput', {
    fields: (t) => ({
      customerRef: t.string({
        description: 'The merchant’s own id for this end user (required; `externalRef` was its old name).',
      }),
      externalRef: t.string({
        deprecationReason: 'Use customerRef; removed in the next release.',
      }),
      jurisdiction: t.string({ required: true }),
    }),
  });

  builder.queryFields((t) => ({
    customer: t.withAuth({ $any: { operator: true, merchant: true, partner: true, customer: true } }).field({
      type: Customer,
      args: { id: t.arg.id({ required: true }) },
      errors: { types: [NotFoundError] },
      resolve: (_root, { id }, ctx) => customers.get(ctx, String(id)),
    }),
    customers: t.withAuth({ $any: { operator: true, merchant: true, partner: true } }).connection({
      type: Customer,
      resolve: (_root, args, ctx) =>
        resolveOffsetConnection({ args }, ({ limit, offset }) => customers.list(ctx, limit, offset)),
    }),
  }));

  builder.mutationField('createCustomer', (t) =>
    t.withAuth({ merchant: true }).field({
      type: Customer,
      args: { input: t.arg({ type: CreateCustomerInput, required: true }) },
      errors: { types: [ValidationError] },
      resolve: (_root, { input }, ctx) => customers.create(ctx, input),
    }),
  );
}
