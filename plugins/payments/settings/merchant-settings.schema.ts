import { resolveOffsetConnection } from '@pothos/plugin-relay';
import {
  type GatewayBuilder,
  money,
  moneyFromInput,
  moneyRefs,
  NotFoundError,
  ValidationError,
} from '../../../core/plugin-api.ts';
import { FeePricing } from '../fees/fee-pricing.entity.ts';
import type { FeePricingService } from '../fees/fee-pricing.service.ts';
import type { CAPTURE_METHODS } from '../payment-status.ts';
import type { SettingValues } from './merchant-settings.entity.ts';
import type { MerchantSettingsService } from './merchant-settings.service.ts';
import { MerchantSettingsChange } from './merchant-settings-change.entity.ts';

const OPERATOR_OR_MERCHANT = { $any: { operator: true, merchant: true } } as const;

export function registerMerchantSettingsSchema(
  builder: GatewayBuilder,
  settings: MerchantSettingsService,
  pricings: FeePricingService,
  CaptureMethod: ReturnType<typeof builder.enumType<'CaptureMethod', typeof CAPTURE_METHODS>>,
): void {
  const { Money, MoneyInput } = moneyRefs(builder);
  const thresholds = (values: Record<string, string> | null) =>
    values === null
      ? null
      : Object.entries(values).map(([currency, minor]) => money(BigInt(minor), currency));

  const Values = builder.objectRef<SettingValues>('MerchantSettingValues').implement({
    description: 'Values an operator set for a merchant; null where the gateway’s configuration applies.',
    authScopes: OPERATOR_OR_MERCHANT,
    fields: (t) => ({
      stepUpAtOrAbove: t.field({
        type: [Money],
        nullable: true,
        resolve: (v) => thresholds(v.stepUpAtOrAbove),
      }),
      defaultCaptureMethod: t.field({
        type: CaptureMethod,
        nullable: true,
        resolve: (v) => v.defaultCaptureMethod,
      }),
      authorizationHoldHours: t.int({ nullable: true, resolve: (v) => v.authorizationHoldHours }),
    }),
  });

  const Settings = builder.objectRef<{ merchantId: string }>('MerchantSettings').implement({
    description:
      'A merchant’s payment settings as they apply now, in every gateway process: its own values over the gateway’s configuration.',
    authScopes: OPERATOR_OR_MERCHANT,
    fields: (t) => ({
      merchantId: t.exposeID('merchantId'),
      stepUpAtOrAbove: t.field({
        type: [Money],
        description: 'Per currency, the amount from which a payment needs the caller’s step-up.',
        resolve: (s) =>
          settings.board.stepUpThresholds(s.merchantId).map(([currency, minor]) => money(minor, currency)),
      }),
      defaultCaptureMethod: t.field({
        type: CaptureMethod,
        description: 'The capture method of a `createPayment` that names none.',
        resolve: (s) => settings.board.defaultCaptureMethod(s.merchantId),
      }),
      authorizationHoldHours: t.int({
        description: 'How long an authorization holds the funds before it expires.',
        resolve: (s) => settings.board.authorizationHoldHours(s.merchantId),
      }),
      own: t.field({
        type: Values,
        nullable: true,
        description: 'What operators set for this merchant; null while nothing was.',
        resolve: (s) => settings.board.own(s.merchantId) ?? null,
      }),
      feePricings: t.field({
        type: [FeePricing],
        description: 'The merchant’s pricings and the defaults (see `setFeePricing`).',
        resolve: (s, _args, ctx) => pricings.list(ctx, s.merchantId),
      }),
    }),
  });

  builder.objectType(MerchantSettingsChange, {
    name: 'MerchantSettingsChange',
    description: 'One operator decision about a merchant’s settings, as recorded in the audit.',
    authScopes: OPERATOR_OR_MERCHANT,
    fields: (t) => ({
      id: t.id({ resolve: (c) => c.id.toString() }),
      merchantId: t.exposeID('merchantId'),
      before: t.field({ type: Values, resolve: (c) => c.before }),
      after: t.field({ type: Values, resolve: (c) => c.after }),
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
    merchantSettings: t.withAuth(OPERATOR_OR_MERCHANT).field({
      type: Settings,
      description: 'A merchant’s settings: operators read any merchant’s, a merchant its own.',
      args: { merchantId: t.arg.id({ required: true }) },
      errors: { types: [NotFoundError] },
      resolve: (_root, args, ctx) => {
        settings.assertVisible(ctx, String(args.merchantId));
        return { merchantId: String(args.merchantId) };
      },
    }),
    merchantSettingsChanges: t.withAuth(OPERATOR_OR_MERCHANT).connection({
      type: MerchantSettingsChange,
      description:
        'The merchant’s settings audit, newest first (empty for a merchant the caller cannot see).',
      args: { merchantId: t.arg.id({ required: true }) },
      resolve: (_root, args, ctx) =>
        resolveOffsetConnection({ args }, (page) => settings.changes(ctx, String(args.merchantId), page)),
    }),
  }));

  const SetMerchantSettingsInput = builder.inputType('SetMerchantSettingsInput', {
    description: 'A field left out stays as it is; null gives it back to the gateway’s configuration.',
    fields: (t) => ({
      merchantId: t.id({ required: true }),
      stepUpAtOrAbove: t.field({
        type: [MoneyInput],
        description: 'Replaces the merchant’s thresholds; currencies not listed use the gateway’s.',
      }),
      defaultCaptureMethod: t.field({ type: CaptureMethod }),
      authorizationHoldHours: t.int({ description: '1 to 720.' }),
      reason: t.string({ required: true, description: 'Why: 1 to 500 characters, kept in the audit.' }),
    }),
  });

  builder.mutationField('setMerchantSettings', (t) =>
    t.withAuth({ $all: { operator: true, stepUp: 'merchant_settings.set' } }).field({
      type: Settings,
      description:
        'Changes a merchant’s settings, at once in every gateway process. Audited; needs a fresh step-up.',
      args: { input: t.arg({ type: SetMerchantSettingsInput, required: true }) },
      errors: { types: [ValidationError, NotFoundError] },
      resolve: async (_root, { input }, ctx) => ({
        merchantId: await settings.set(ctx, {
          merchantId: String(input.merchantId),
          stepUpAtOrAbove:
            input.stepUpAtOrAbove === undefined
              ? undefined
              : (input.stepUpAtOrAbove?.map((m) => moneyFromInput(m, 'stepUpAtOrAbove')) ?? null),
          defaultCaptureMethod: input.defaultCaptureMethod,
          authorizationHoldHours: input.authorizationHoldHours,
          reason: input.reason,
        }),
      }),
    }),
  );
}
