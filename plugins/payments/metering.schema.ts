import {
  formatMicrosAsMinorDecimal,
  type GatewayBuilder,
  money,
  moneyRefs,
  NotFoundError,
} from '../../core/plugin-api.ts';
import type { MeteringService } from './metering.service.ts';
import { MONEY_MOVEMENT_ERRORS } from './payment-error-types.ts';
import { UsageMeter } from './usage-meter.entity.ts';

export function registerMeteringSchema(builder: GatewayBuilder, metering: MeteringService): void {
  const { Money } = moneyRefs(builder);

  builder.objectType(UsageMeter, {
    name: 'UsageMeter',
    description: 'Metered usage priced to a millionth of a minor unit, charged in whole minor units.',
    authScopes: { $any: { operator: true, merchant: true, partner: true, customer: true } },
    fields: (t) => ({
      id: t.exposeID('id'),
      customerId: t.id({ resolve: (m) => m.customer.id }),
      currency: t.exposeString('currency'),
      unitPrice: t.string({
        description: 'Minor units per use, exact decimal (e.g. "0.1" KRW).',
        resolve: (m) => formatMicrosAsMinorDecimal(m.unitPriceMicros),
      }),
      accrued: t.string({
        description: 'Used and not yet charged, in minor units, exact decimal (the carried remainder).',
        resolve: (m) => formatMicrosAsMinorDecimal(m.accruedMicros),
      }),
      billed: t.field({ type: Money, resolve: (m) => money(m.billedMinor, m.currency) }),
      fees: t.string({
        description:
          'The gateway’s fees on what was charged, under the merchant’s pricing for the meter’s method: minor units, exact decimal ("0.15" KRW on a charge of KRW 10 at 1.5 %). Below one minor unit they accrue and are posted once whole; see docs/payments.md.',
        resolve: (m) => formatMicrosAsMinorDecimal(m.feeMicros),
      }),
      method: t.exposeString('method'),
      sourceId: t.id({ resolve: (m) => m.fundingAccount.id }),
      description: t.exposeString('description', { nullable: true }),
      createdAt: t.expose('createdAt', { type: 'DateTime' }),
    }),
  });

  const CreateUsageMeterInput = builder.inputType('CreateUsageMeterInput', {
    fields: (t) => ({
      customerId: t.id({ required: true }),
      unitPrice: t.string({ required: true, description: 'Minor units per use, up to six decimals: "0.1".' }),
      currency: t.string({ required: true }),
      method: t.string({ required: true, description: 'An account-funded method: `wallet`.' }),
      sourceId: t.string({ required: true, description: 'The wallet id.' }),
      description: t.string(),
    }),
  });

  builder.queryField('usageMeter', (t) =>
    t.withAuth({ $any: { operator: true, merchant: true, partner: true, customer: true } }).field({
      type: UsageMeter,
      args: { id: t.arg.id({ required: true }) },
      errors: { types: [NotFoundError] },
      resolve: (_root, { id }, ctx) => metering.get(ctx, String(id)),
    }),
  );

  builder.mutationFields((t) => ({
    createUsageMeter: t.withAuth({ merchant: true }).field({
      type: UsageMeter,
      args: { input: t.arg({ type: CreateUsageMeterInput, required: true }) },
      errors: { types: MONEY_MOVEMENT_ERRORS },
      resolve: (_root, { input }, ctx) =>
        metering.createMeter(ctx, { ...input, customerId: String(input.customerId) }),
    }),
    recordUsage: t.withAuth({ merchant: true }).field({
      type: UsageMeter,
      description: 'Adds `quantity` uses to the meter at its unit price.',
      args: {
        meterId: t.arg.id({ required: true }),
        quantity: t.arg.int({ required: true }),
        idempotencyKey: t.arg.string(),
      },
      errors: { types: MONEY_MOVEMENT_ERRORS },
      resolve: (_root, args, ctx) =>
        metering.recordUsage(ctx, String(args.meterId), args.quantity, args.idempotencyKey),
    }),
    chargeUsageMeter: t.withAuth({ merchant: true }).field({
      type: UsageMeter,
      description:
        'Charges the whole minor units accrued from the customer’s account; the remainder is carried.',
      args: { meterId: t.arg.id({ required: true }), idempotencyKey: t.arg.string() },
      errors: { types: MONEY_MOVEMENT_ERRORS },
      resolve: (_root, args, ctx) => metering.chargeMeter(ctx, String(args.meterId), args.idempotencyKey),
    }),
  }));
}
