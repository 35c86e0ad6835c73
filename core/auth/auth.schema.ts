import { resolveOffsetConnection } from '@pothos/plugin-relay';
import type { GatewayBuilder } from '../../schema/builder.ts';
import { NotFoundError, ValidationError } from '../../schema/errors.ts';
import { API_KEY_KINDS, ApiKey } from './api-key.entity.ts';
import type { AuthService } from './auth.service.ts';
import { CustomerSession } from './customer-session.entity.ts';
import { Merchant } from './merchant.entity.ts';
import { Partner } from './partner.entity.ts';
import { PartnerGrant } from './partner-grant.entity.ts';
import { canSeeMerchant } from './principal.ts';

export function registerAuthSchema(builder: GatewayBuilder, auth: AuthService): void {
  const PrincipalKind = builder.enumType('PrincipalKind', {
    values: ['anonymous', 'operator', 'merchant', 'partner', 'customer'] as const,
  });
  const ApiKeyKind = builder.enumType('ApiKeyKind', { values: API_KEY_KINDS });

  builder.objectType(Merchant, {
    name: 'Merchant',
    description: 'A tenant of the gateway.',
    authScopes: { authenticated: true },
    fields: (t) => ({
      id: t.exposeID('id'),
      name: t.exposeString('name'),
      country: t.exposeString('country', {
        nullable: true,
        description:
          'Where the merchant is established (ISO 3166-1 or -2): an EU or Korean establishment brings every customer under the GDPR or PIPA.',
      }),
      createdAt: t.expose('createdAt', { type: 'DateTime' }),
    }),
  });

  builder.objectType(Partner, {
    name: 'Partner',
    authScopes: { $any: { operator: true, merchant: true, partner: true } },
    fields: (t) => ({
      id: t.exposeID('id'),
      name: t.exposeString('name'),
      createdAt: t.expose('createdAt', { type: 'DateTime' }),
    }),
  });

  builder.objectType(PartnerGrant, {
    name: 'PartnerGrant',
    authScopes: { $any: { operator: true, merchant: true } },
    fields: (t) => ({
      id: t.exposeID('id'),
      partnerId: t.id({ resolve: (g) => g.partner.id }),
      merchantId: t.id({ resolve: (g) => g.merchant.id }),
      createdAt: t.expose('createdAt', { type: 'DateTime' }),
    }),
  });

  builder.objectType(ApiKey, {
    name: 'ApiKey',
    description: 'An API key, without its secret: the secret is shown once, when the key is created.',
    authScopes: { $any: { operator: true, merchant: true } },
    fields: (t) => ({
      id: t.exposeID('id'),
      kind: t.field({ type: ApiKeyKind, resolve: (k) => k.kind }),
      label: t.exposeString('label'),
      prefix: t.exposeString('prefix', {
        description: 'The first characters of the key, to tell keys apart.',
      }),
      merchantId: t.id({ nullable: true, resolve: (k) => k.merchant?.id ?? null }),
      partnerId: t.id({ nullable: true, resolve: (k) => k.partner?.id ?? null }),
      createdAt: t.expose('createdAt', { type: 'DateTime' }),
      revokedAt: t.expose('revokedAt', { type: 'DateTime', nullable: true }),
    }),
  });

  const CreatedApiKey = builder.objectRef<{ apiKey: ApiKey; secret: string }>('CreatedApiKey').implement({
    authScopes: { $any: { operator: true, merchant: true } },
    fields: (t) => ({
      apiKey: t.field({ type: ApiKey, resolve: (r) => r.apiKey }),
      secret: t.exposeString('secret', {
        description: 'The key itself. Store it now: it is never shown again.',
      }),
    }),
  });

  builder.objectType(CustomerSession, {
    name: 'CustomerSession',
    authScopes: { $any: { merchant: true, customer: true } },
    fields: (t) => ({
      id: t.exposeID('id'),
      customerRef: t.string({
        nullable: true,
        description: 'The merchant’s reference for the end user; null once the end user’s data is erased.',
        resolve: (s, _args, ctx) => ctx.services.privacy.keys.customerRef(ctx.em, s.subject.id),
      }),
      expiresAt: t.expose('expiresAt', { type: 'DateTime' }),
      revokedAt: t.expose('revokedAt', { type: 'DateTime', nullable: true }),
    }),
  });

  const CreatedCustomerSession = builder
    .objectRef<{ session: CustomerSession; token: string }>('CreatedCustomerSession')
    .implement({
      authScopes: { merchant: true },
      fields: (t) => ({
        session: t.field({ type: CustomerSession, resolve: (r) => r.session }),
        token: t.exposeString('token', {
          description: 'Hand this to the end user’s app; it is never shown again.',
        }),
      }),
    });

  const Viewer = builder
    .objectRef<{ kind: string; merchantId?: string; partnerId?: string; customerRef?: string }>('Viewer')
    .implement({
      description: 'Who the gateway takes the caller to be.',
      authScopes: { public: true },
      fields: (t) => ({
        kind: t.field({ type: PrincipalKind, resolve: (v) => v.kind as 'anonymous' }),
        merchantId: t.id({ nullable: true, resolve: (v) => v.merchantId ?? null }),
        partnerId: t.id({ nullable: true, resolve: (v) => v.partnerId ?? null }),
        customerRef: t.string({ nullable: true, resolve: (v) => v.customerRef ?? null }),
      }),
    });

  builder.queryFields((t) => ({
    viewer: t.field({
      type: Viewer,
      authScopes: { public: true },
      resolve: (_root, _args, ctx) => ({ ...ctx.principal }),
    }),
    merchant: t.field({
      type: Merchant,
      authScopes: { authenticated: true },
      args: { id: t.arg.id({ required: true }) },
      errors: { types: [NotFoundError] },
      resolve: (_root, { id }, ctx) => {
        if (!canSeeMerchant(ctx.principal, String(id))) throw new NotFoundError('Merchant', String(id));
        return auth.getMerchant(ctx, String(id));
      },
    }),
    merchants: t.connection({
      type: Merchant,
      authScopes: { operator: true },
      resolve: (_root, args, ctx) =>
        resolveOffsetConnection({ args }, ({ limit, offset }) =>
          ctx.em.find(Merchant, {}, { orderBy: { createdAt: 'asc', id: 'asc' }, limit, offset }),
        ),
    }),
    apiKeys: t.withAuth({ $any: { operator: true, merchant: true } }).connection({
      type: ApiKey,
      description: 'Operators see every key; a merchant sees its own.',
      resolve: (_root, args, ctx) => {
        const where = ctx.principal.kind === 'merchant' ? { merchant: ctx.principal.merchantId } : {};
        return resolveOffsetConnection({ args }, ({ limit, offset }) =>
          ctx.em.find(ApiKey, where, { orderBy: { createdAt: 'asc', id: 'asc' }, limit, offset }),
        );
      },
    }),
  }));

  const CreateApiKeyInput = builder.inputType('CreateApiKeyInput', {
    fields: (t) => ({
      kind: t.field({ type: ApiKeyKind, required: true }),
      label: t.string({ required: true }),
      merchantId: t.id({ description: 'Required for merchant keys (a merchant’s own key implies it).' }),
      partnerId: t.id({ description: 'Required for partner keys.' }),
    }),
  });

  builder.mutationFields((t) => ({
    createMerchant: t.field({
      type: Merchant,
      authScopes: { operator: true },
      args: {
        name: t.arg.string({ required: true }),
        country: t.arg.string({ description: 'Where the merchant is established (ISO 3166-1 or -2).' }),
      },
      errors: { types: [ValidationError] },
      resolve: (_root, { name, country }, ctx) => auth.createMerchant(ctx, name, country ?? null),
    }),
    createPartner: t.field({
      type: Partner,
      authScopes: { operator: true },
      args: { name: t.arg.string({ required: true }) },
      errors: { types: [ValidationError] },
      resolve: (_root, { name }, ctx) => auth.createPartner(ctx, name),
    }),
    createApiKey: t.field({
      type: CreatedApiKey,
      authScopes: { $all: { $any: { operator: true, merchant: true }, stepUp: 'api_key.create' } },
      args: { input: t.arg({ type: CreateApiKeyInput, required: true }) },
      errors: { types: [ValidationError, NotFoundError] },
      resolve: (_root, { input }, ctx) =>
        auth.createApiKey(ctx, {
          kind: input.kind,
          label: input.label,
          merchantId: input.merchantId == null ? null : String(input.merchantId),
          partnerId: input.partnerId == null ? null : String(input.partnerId),
        }),
    }),
    revokeApiKey: t.withAuth({ $any: { operator: true, merchant: true } }).field({
      type: ApiKey,
      args: { id: t.arg.id({ required: true }) },
      errors: { types: [NotFoundError] },
      resolve: (_root, { id }, ctx) => auth.revokeApiKey(ctx, String(id)),
    }),
    grantPartnerAccess: t.withAuth({ $any: { operator: true, merchant: true } }).field({
      type: PartnerGrant,
      description: 'Lets a partner read this merchant’s payments and events. Operators name the merchant.',
      args: { partnerId: t.arg.id({ required: true }), merchantId: t.arg.id() },
      errors: { types: [NotFoundError, ValidationError] },
      resolve: (_root, args, ctx) => {
        // A merchant grants access to itself only; an operator may name any merchant.
        const merchantId = ctx.principal.kind === 'merchant' ? ctx.principal.merchantId : args.merchantId;
        if (!merchantId) throw new ValidationError('merchantId', 'operators must name the merchant');
        return auth.grantPartnerAccess(ctx, String(args.partnerId), String(merchantId));
      },
    }),
    createCustomerSession: t.withAuth({ merchant: true }).field({
      type: CreatedCustomerSession,
      description: 'Mints a session token for one of the merchant’s end users.',
      args: {
        customerRef: t.arg.string({ required: true }),
        ttlSeconds: t.arg.int({ defaultValue: 3600 }),
      },
      errors: { types: [ValidationError] },
      resolve: (_root, args, ctx) =>
        auth.createCustomerSession(ctx, args.customerRef, args.ttlSeconds ?? 3600),
    }),
    revokeCustomerSession: t.withAuth({ merchant: true }).field({
      type: CustomerSession,
      description:
        'Ends one of the merchant’s customer sessions at once: requests with its token are refused, and its open WebSockets and event streams close (see docs/partner-guide.md).',
      args: { id: t.arg.id({ required: true }) },
      errors: { types: [NotFoundError] },
      resolve: (_root, { id }, ctx) => auth.revokeCustomerSession(ctx, String(id)),
    }),
  }));
}
