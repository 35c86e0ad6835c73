import { resolveOffsetConnection } from '@pothos/plugin-relay';
import {
  type GatewayBuilder,
  money,
  moneyFromInput,
  moneyRefs,
  NotFoundError,
  ValidationError,
} from '../../../core/plugin-api.ts';
import { FEE_REFUND_POLICIES, FeePricing } from './fee-pricing.entity.ts';
import type { FeePricingService } from './fee-pricing.service.ts';
import { FeePricingChange, type PricingTerms } from './fee-pricing-change.entity.ts';

const OPERATOR_OR_MERCHANT = { $any: { operator: true, merchant: true } } as const;

export function registerFeesSchema(builder: GatewayBuilder, pricings: FeePricingService): void {
  const { Money, MoneyInput } = moneyRefs(builder);
  const FeeRefundPolicy = builder.enumType('FeeRefundPolicy', {
    values: FEE_REFUND_POLICIES,
    description: '`return`: a refund gives back its share of the fee. `keep`: the fee stays charged.',
  });

  builder.objectType(FeePricing, {
    name: 'FeePricing',
    description:
      'What the gateway charges a merchant (or, as the default, every merchant without its own) per payment in one currency and method: `fixed` plus `basisPoints` of the captured amount, between `minimum` and `maximum`, never more than the payment. Exact below one minor unit: the remainder accrues and is posted in whole minor units.',
    authScopes: OPERATOR_OR_MERCHANT,
    fields: (t) => ({
      id: t.exposeID('id'),
      merchantId: t.id({
        nullable: true,
        description: 'Null for the gateway’s default.',
        resolve: (p) => p.merchant?.id ?? null,
      }),
      currency: t.exposeString('currency'),
      method: t.exposeString('method'),
      fixed: t.field({ type: Money, resolve: (p) => money(p.fixedMinor, p.currency) }),
      basisPoints: t.exposeInt('basisPoints', { description: 'Hundredths of a percent: 150 is 1.5 %.' }),
      minimum: t.field({
        type: Money,
        nullable: true,
        resolve: (p) => (p.minMinor == null ? null : money(p.minMinor, p.currency)),
      }),
      maximum: t.field({
        type: Money,
        nullable: true,
        resolve: (p) => (p.maxMinor == null ? null : money(p.maxMinor, p.currency)),
      }),
      onRefund: t.field({ type: FeeRefundPolicy, resolve: (p) => p.onRefund }),
      updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    }),
  });

  const Terms = builder.objectRef<PricingTerms>('FeePricingTerms').implement({
    description: 'A pricing as the audit recorded it; amounts in minor units of the change’s currency.',
    authScopes: OPERATOR_OR_MERCHANT,
    fields: (t) => ({
      fixedMinor: t.exposeString('fixedMinor'),
      basisPoints: t.exposeInt('basisPoints'),
      minMinor: t.exposeString('minMinor', { nullable: true }),
      maxMinor: t.exposeString('maxMinor', { nullable: true }),
      onRefund: t.field({ type: FeeRefundPolicy, resolve: (p) => p.onRefund as 'return' | 'keep' }),
    }),
  });

  builder.objectType(FeePricingChange, {
    name: 'FeePricingChange',
    description: 'One operator decision about a pricing, as recorded in the audit.',
    authScopes: OPERATOR_OR_MERCHANT,
    fields: (t) => ({
      id: t.id({ resolve: (c) => c.id.toString() }),
      merchantId: t.id({ nullable: true, resolve: (c) => c.merchantId ?? null }),
      currency: t.exposeString('currency'),
      method: t.exposeString('method'),
      before: t.field({ type: Terms, nullable: true, resolve: (c) => c.before ?? null }),
      after: t.field({
        type: Terms,
        nullable: true,
        description: 'Null when the pricing was removed.',
        resolve: (c) => c.after ?? null,
      }),
      reason: t.exposeString('reason'),
      changedBy: t.id({
        nullable: true,
        description: 'The operator’s API key: shown to operators only.',
        resolve: (c, _args, ctx) => (ctx.principal.kind === 'operator' ? c.actorKeyId : null),
      }),
      changedAt: t.expose('changedAt', { type: 'DateTime' }),
    }),
  });

  builder.queryFields((t) => ({
    feePricings: t.withAuth(OPERATOR_OR_MERCHANT).field({
      type: [FeePricing],
      description:
        'Pricings: a merchant sees its own and the defaults; an operator every one, or with `merchantId` that merchant’s and the defaults.',
      authScopes: OPERATOR_OR_MERCHANT,
      args: { merchantId: t.arg.id() },
      resolve: (_root, args, ctx) =>
        pricings.list(ctx, args.merchantId == null ? null : String(args.merchantId)),
    }),
    feePricingChanges: t.withAuth(OPERATOR_OR_MERCHANT).connection({
      type: FeePricingChange,
      description:
        'The pricing audit, newest first: a merchant sees the changes to its own and to the defaults.',
      args: { merchantId: t.arg.id() },
      resolve: (_root, args, ctx) =>
        resolveOffsetConnection({ args }, (page) =>
          pricings.changes(ctx, args.merchantId == null ? null : String(args.merchantId), page),
        ),
    }),
  }));

  const SetFeePricingInput = builder.inputType('SetFeePricingInput', {
    fields: (t) => ({
      merchantId: t.id({ description: 'Omit for the gateway’s default.' }),
      method: t.string({ required: true }),
      fixed: t.field({ type: MoneyInput, required: true, description: 'Its currency is the pricing’s.' }),
      basisPoints: t.int({ required: true, description: '0 to 10000: 150 is 1.5 %.' }),
      minimum: t.field({ type: MoneyInput }),
      maximum: t.field({ type: MoneyInput }),
      onRefund: t.field({ type: FeeRefundPolicy, required: true }),
      reason: t.string({ required: true, description: 'Why: 1 to 500 characters, kept in the audit.' }),
    }),
  });

  builder.mutationFields((t) => ({
    setFeePricing: t.withAuth({ $all: { operator: true, stepUp: 'fee_pricing.set' } }).field({
      type: FeePricing,
      description:
        'Sets a merchant’s pricing (or the default) for a currency and method; applies to the next payment in every process. Audited; needs a fresh step-up.',
      authScopes: { operator: true },
      args: { input: t.arg({ type: SetFeePricingInput, required: true }) },
      errors: { types: [ValidationError, NotFoundError] },
      resolve: (_root, { input }, ctx) =>
        pricings.set(ctx, {
          merchantId: input.merchantId == null ? null : String(input.merchantId),
          method: input.method,
          fixed: moneyFromInput(input.fixed, 'fixed'),
          basisPoints: input.basisPoints,
          minimum: input.minimum ? moneyFromInput(input.minimum, 'minimum') : null,
          maximum: input.maximum ? moneyFromInput(input.maximum, 'maximum') : null,
          onRefund: input.onRefund,
          reason: input.reason,
        }),
    }),
    removeFeePricing: t.withAuth({ $all: { operator: true, stepUp: 'fee_pricing.set' } }).field({
      type: FeePricing,
      description:
        'Removes a pricing: the merchant’s payments fall back to the default, the default’s to no fee. Audited; needs a fresh step-up.',
      authScopes: { operator: true },
      args: {
        merchantId: t.arg.id(),
        currency: t.arg.string({ required: true }),
        method: t.arg.string({ required: true }),
        reason: t.arg.string({ required: true }),
      },
      errors: { types: [ValidationError, NotFoundError] },
      resolve: (_root, args, ctx) =>
        pricings.remove(ctx, {
          merchantId: args.merchantId == null ? null : String(args.merchantId),
          currency: args.currency,
          method: args.method,
          reason: args.reason,
        }),
    }),
  }));
}
