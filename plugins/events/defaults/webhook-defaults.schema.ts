import { resolveOffsetConnection } from '@pothos/plugin-relay';
import { type GatewayBuilder, NotFoundError, ValidationError } from '../../../core/plugin-api.ts';
import type { WebhookDefaultValues } from './webhook-defaults.entity.ts';
import type { WebhookDefaultsService } from './webhook-defaults.service.ts';
import { WebhookDefaultsChange } from './webhook-defaults-change.entity.ts';

const OPERATOR_OR_MERCHANT = { $any: { operator: true, merchant: true } } as const;

/**
 * Webhook defaults: set by operators (`setWebhookDefaults`, audited in `webhookDefaultsChanges`),
 * read by merchants on `MerchantSettings.webhookDefaults` when the payments plugin (which defines
 * `MerchantSettings`) is installed; the events plugin does not depend on it.
 */
export function registerWebhookDefaultsSchema(
  builder: GatewayBuilder,
  defaults: WebhookDefaultsService,
  withMerchantSettings: boolean,
): void {
  const Values = builder.objectRef<WebhookDefaultValues>('WebhookDefaultValues').implement({
    description:
      'Webhook defaults an operator set for a merchant; null where the gateway’s configuration applies.',
    authScopes: OPERATOR_OR_MERCHANT,
    fields: (t) => ({
      eventTypes: t.stringList({ nullable: true, resolve: (v) => v.eventTypes }),
      retryForSeconds: t.int({ nullable: true, resolve: (v) => v.retryForSeconds }),
    }),
  });

  const Defaults = builder.objectRef<{ merchantId: string }>('WebhookDefaults').implement({
    description: 'A merchant’s webhook defaults as they apply now, in every gateway process.',
    authScopes: OPERATOR_OR_MERCHANT,
    fields: (t) => ({
      merchantId: t.exposeID('merchantId'),
      eventTypes: t.stringList({
        nullable: true,
        description:
          'The event types of an endpoint created for this merchant without `eventTypes`; null: they must be named.',
        resolve: (d) => defaults.board.eventTypes(d.merchantId),
      }),
      retryForSeconds: t.int({
        description: 'How long a delivery of this merchant’s events is retried before it is given up.',
        resolve: (d) => Math.floor(defaults.board.retryForMs(d.merchantId) / 1000),
      }),
      own: t.field({
        type: Values,
        nullable: true,
        description: 'What operators set for this merchant; null while nothing was.',
        resolve: (d) => defaults.board.own(d.merchantId) ?? null,
      }),
    }),
  });

  if (withMerchantSettings) {
    builder.objectField('MerchantSettings', 'webhookDefaults', (t) =>
      t.field({
        type: Defaults,
        authScopes: OPERATOR_OR_MERCHANT,
        description: 'Webhook defaults (events plugin): see `setWebhookDefaults`.',
        resolve: (s) => ({ merchantId: s.merchantId }),
      }),
    );
  }

  builder.objectType(WebhookDefaultsChange, {
    name: 'WebhookDefaultsChange',
    description: 'One operator decision about a merchant’s webhook defaults, as recorded in the audit.',
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

  builder.queryField('webhookDefaultsChanges', (t) =>
    t.withAuth(OPERATOR_OR_MERCHANT).connection({
      type: WebhookDefaultsChange,
      description:
        'The merchant’s webhook defaults audit, newest first (empty for a merchant the caller cannot see).',
      args: { merchantId: t.arg.id({ required: true }) },
      resolve: (_root, args, ctx) =>
        resolveOffsetConnection({ args }, (page) => defaults.changes(ctx, String(args.merchantId), page)),
    }),
  );

  const SetInput = builder.inputType('SetWebhookDefaultsInput', {
    description: 'A field left out stays as it is; null gives it back to the gateway’s configuration.',
    fields: (t) => ({
      merchantId: t.id({ required: true }),
      eventTypes: t.stringList({
        description: 'Types or patterns for endpoints created without `eventTypes`: 1 to 50.',
      }),
      retryForSeconds: t.int({
        description:
          'From 1 to the events plugin’s `webhooks.retryForMs` in seconds. Seconds, not milliseconds: a GraphQL Int would not hold 30 days of milliseconds.',
      }),
      reason: t.string({ required: true, description: 'Why: 1 to 500 characters, kept in the audit.' }),
    }),
  });

  builder.mutationField('setWebhookDefaults', (t) =>
    t.withAuth({ $all: { operator: true, stepUp: 'webhook_defaults.set' } }).field({
      type: Defaults,
      description:
        'Changes a merchant’s webhook defaults, at once in every gateway process. Audited; needs a fresh step-up.',
      args: { input: t.arg({ type: SetInput, required: true }) },
      errors: { types: [ValidationError, NotFoundError] },
      resolve: async (_root, { input }, ctx) => ({
        merchantId: await defaults.set(ctx, {
          merchantId: String(input.merchantId),
          eventTypes: input.eventTypes,
          retryForSeconds: input.retryForSeconds,
          reason: input.reason,
        }),
      }),
    }),
  );
}
