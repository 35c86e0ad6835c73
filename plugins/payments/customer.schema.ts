import { resolveOffsetConnection } from '@pothos/plugin-relay';
import {
  type GatewayBuilder,
  NotFoundError,
  ProfileFieldNotAllowed,
  ValidationError,
} from '../../core/plugin-api.ts';
import { Customer } from './customer.entity.ts';
import type { CustomerService } from './customer.service.ts';
import type { CustomerProfile } from './customer-profile.ts';

const SELF_OR_MERCHANT = { $any: { operator: true, merchant: true, customer: true } } as const;

export function registerCustomerSchema(builder: GatewayBuilder, customers: CustomerService): void {
  const Profile = builder.objectRef<Required<CustomerProfile>>('CustomerProfile').implement({
    description:
      'What the merchant stored about its customer, each value sealed at rest under the customer’s own key. Every field reads null once that key is destroyed.',
    authScopes: SELF_OR_MERCHANT,
    fields: (t) => ({
      name: t.exposeString('name', { nullable: true }),
      email: t.exposeString('email', { nullable: true }),
      phone: t.exposeString('phone', { nullable: true, description: 'E.164 (+821012345678).' }),
      birthDate: t.exposeString('birthDate', { nullable: true, description: 'YYYY-MM-DD.' }),
      countryOfResidence: t.exposeString('countryOfResidence', {
        nullable: true,
        description: 'ISO 3166-1 alpha-2 or ISO 3166-2 (DE, KR, US-CA).',
      }),
    }),
  });

  const ProfileInput = builder.inputType('CustomerProfileInput', {
    description:
      'Optional profile fields. Each must be needed by a purpose enabled for the merchant; null clears a field, an absent one is kept.',
    fields: (t) => ({
      name: t.string(),
      email: t.string(),
      phone: t.string({ description: 'E.164 (+821012345678).' }),
      birthDate: t.string({ description: 'YYYY-MM-DD.' }),
      countryOfResidence: t.string({ description: 'ISO 3166-1 alpha-2 or ISO 3166-2 (DE, KR, US-CA).' }),
    }),
  });

  builder.objectType(Customer, {
    name: 'Customer',
    description: 'An end user of a merchant: who pays.',
    authScopes: { $any: { operator: true, merchant: true, partner: true, customer: true } },
    fields: (t) => ({
      id: t.exposeID('id'),
      merchantId: t.id({ resolve: (c) => c.merchant.id }),
      customerRef: t.string({
        nullable: true,
        description:
          'The merchant’s own id for this end user; null once the end user’s data is erased (its key shredded).',
        resolve: (c, _args, ctx) => customers.customerRef(ctx, c),
      }),
      externalRef: t.string({
        nullable: true,
        deprecationReason: 'Use customerRef (the same value); removed in the next release.',
        resolve: (c, _args, ctx) => customers.customerRef(ctx, c),
      }),
      jurisdiction: t.exposeString('jurisdiction', {
        description: 'ISO 3166-1 alpha-2 or ISO 3166-2 code (DE, KR, US-CA): which law applies.',
      }),
      profile: t.field({
        type: Profile,
        authScopes: SELF_OR_MERCHANT,
        description: 'The merchant’s, the customer’s own and operators’ view; not partners’.',
        resolve: (c, _args, ctx) => customers.profile(ctx, c),
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
      profile: t.field({ type: ProfileInput }),
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
      errors: { types: [ValidationError, ProfileFieldNotAllowed] },
      resolve: (_root, { input }, ctx) => customers.create(ctx, input),
    }),
  );

  builder.mutationField('setCustomerProfile', (t) =>
    t.withAuth({ merchant: true }).field({
      type: Customer,
      description: 'Sets the given profile fields of one of the merchant’s customers; null clears a field.',
      args: {
        customerId: t.arg.id({ required: true }),
        profile: t.arg({ type: ProfileInput, required: true }),
      },
      errors: { types: [ValidationError, ProfileFieldNotAllowed, NotFoundError] },
      resolve: (_root, { customerId, profile }, ctx) =>
        customers.setProfile(ctx, String(customerId), profile),
    }),
  );
}
