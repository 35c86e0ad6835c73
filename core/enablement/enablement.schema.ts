import { type ResolveCursorConnectionArgs, resolveCursorConnection } from '@pothos/plugin-relay';
import type { GatewayBuilder } from '../../schema/builder.ts';
import { NotFoundError, ValidationError } from '../../schema/errors.ts';
import { auditCursor } from './audit-page.ts';
import type { EnablementService, PluginSwitchView } from './enablement.service.ts';
import { PluginSwitchAudit } from './plugin-switch-audit.entity.ts';

const OPERATOR_OR_MERCHANT = { $any: { operator: true, merchant: true } } as const;

export function registerEnablementSchema(builder: GatewayBuilder, enablement: EnablementService): void {
  const Actor = builder.objectRef<{ kind: string; keyId: string }>('PluginSwitchActor').implement({
    description: 'Who made a decision.',
    authScopes: OPERATOR_OR_MERCHANT,
    fields: (t) => ({
      kind: t.exposeString('kind', { description: 'The kind of API key: `operator` today.' }),
      keyId: t.id({
        nullable: true,
        description: 'The API key’s id: shown to operators only.',
        resolve: (actor, _args, ctx) => (ctx.principal.kind === 'operator' ? actor.keyId : null),
      }),
    }),
  });

  const Change = builder.objectType(PluginSwitchAudit, {
    name: 'PluginSwitchChange',
    description: 'One operator decision about a plugin for a merchant, as recorded in the audit.',
    authScopes: OPERATOR_OR_MERCHANT,
    fields: (t) => ({
      id: t.id({ resolve: (c) => c.id.toString() }),
      merchantId: t.id({ resolve: (c) => c.merchant.id }),
      plugin: t.exposeString('plugin'),
      before: t.exposeBoolean('before', { description: 'The state before, the default included.' }),
      after: t.exposeBoolean('after'),
      reason: t.exposeString('reason'),
      changedAt: t.expose('changedAt', { type: 'DateTime' }),
      changedBy: t.field({ type: Actor, resolve: (c) => ({ kind: c.actorKind, keyId: c.actorKeyId }) }),
    }),
  });

  const Switch = builder.objectRef<PluginSwitchView>('PluginSwitch').implement({
    description: 'A per-merchant plugin’s state for one merchant.',
    authScopes: OPERATOR_OR_MERCHANT,
    fields: (t) => ({
      merchantId: t.exposeID('merchantId'),
      plugin: t.exposeString('plugin'),
      enabled: t.exposeBoolean('enabled'),
      defaultEnabled: t.exposeBoolean('defaultEnabled', {
        description: 'The plugin’s declared default, for merchants no operator decided for.',
      }),
      isDefault: t.boolean({
        description: 'True while no operator has decided: `enabled` is the default.',
        resolve: (s) => s.lastChange === null,
      }),
      lastChange: t.field({
        type: Change,
        nullable: true,
        description: 'The decision in force: when, by whom, why. Null while the default applies.',
        resolve: (s) => s.lastChange,
      }),
    }),
  });

  const MerchantSwitches = builder
    .objectRef<{ merchantId: string; switches: PluginSwitchView[] }>('MerchantPluginSwitches')
    .implement({
      authScopes: OPERATOR_OR_MERCHANT,
      fields: (t) => ({
        merchantId: t.exposeID('merchantId'),
        switches: t.field({ type: [Switch], resolve: (m) => m.switches }),
      }),
    });

  builder.queryFields((t) => ({
    pluginSwitches: t.field({
      type: MerchantSwitches,
      description: 'Every plugin operators switch per merchant, with its state for this merchant.',
      authScopes: OPERATOR_OR_MERCHANT,
      args: { merchantId: t.arg.id({ required: true }) },
      errors: { types: [NotFoundError] },
      resolve: async (_root, { merchantId }, ctx) => ({
        merchantId: String(merchantId),
        switches: await enablement.switches(ctx, String(merchantId)),
      }),
    }),
    pluginSwitchAudit: t.connection({
      type: Change,
      description: 'The merchant’s recorded decisions, newest first; `plugin` narrows to one plugin.',
      authScopes: OPERATOR_OR_MERCHANT,
      args: { merchantId: t.arg.id({ required: true }), plugin: t.arg.string() },
      errors: { types: [NotFoundError, ValidationError] },
      resolve: (_root, args, ctx) =>
        resolveCursorConnection({ args, toCursor: auditCursor }, (page: ResolveCursorConnectionArgs) =>
          enablement.audit(ctx, { merchantId: String(args.merchantId), plugin: args.plugin }, page),
        ),
    }),
  }));

  builder.mutationField('setPluginEnabled', (t) =>
    t.withAuth({ $all: { operator: true, stepUp: 'plugin.enable' } }).field({
      type: Switch,
      description:
        'Turns a per-merchant plugin on or off for one merchant, at once in every gateway process. Audited; needs a fresh step-up.',
      args: {
        merchantId: t.arg.id({ required: true }),
        plugin: t.arg.string({ required: true }),
        enabled: t.arg.boolean({ required: true }),
        reason: t.arg.string({ required: true, description: 'Why: 1 to 500 characters, kept in the audit.' }),
      },
      errors: { types: [ValidationError, NotFoundError] },
      resolve: (_root, args, ctx) =>
        enablement.setEnabled(ctx, {
          merchantId: String(args.merchantId),
          plugin: args.plugin,
          enabled: args.enabled,
          reason: args.reason,
        }),
    }),
  );
}
