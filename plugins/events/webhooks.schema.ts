import { resolveOffsetConnection } from '@pothos/plugin-relay';
import {
  type GatewayBuilder,
  NotFoundError,
  registerErrorType,
  ValidationError,
} from '../../core/plugin-api.ts';
import { WebhookAttempt } from './webhook-attempt.entity.ts';
import { DELIVERY_STATES, WebhookDelivery } from './webhook-delivery.entity.ts';
import { WebhookEndpoint } from './webhook-endpoint.entity.ts';
import type { WebhookEndpointsService } from './webhook-endpoints.service.ts';
import {
  MAX_PAYLOAD_QUERY_LENGTH,
  PAYLOAD_QUERY_ROOTS,
  WebhookPayloadQueryError,
} from './webhook-payload-query.ts';
import { SIGNATURE_HEADER } from './webhook-signature.ts';

const OWNERS = { $any: { operator: true, merchant: true, partner: true } } as const;

const PAYLOAD_QUERY_HELP = `A GraphQL subscription document selecting ${Object.keys(PAYLOAD_QUERY_ROOTS).join(' or ')} (optionally with literal \`types\`, no variables, at most ${MAX_PAYLOAD_QUERY_LENGTH} characters). Each delivery's body is then what that subscription would send for the event, \`{"data": ...}\`, resolved with the owner's permissions at delivery time. Without it deliveries carry the default body.`;

export function registerWebhooksSchema(builder: GatewayBuilder, webhooks: WebhookEndpointsService): void {
  registerErrorType(builder, WebhookPayloadQueryError, {
    description:
      'The payload query was refused (code PAYLOAD_QUERY_SYNTAX, _INVALID, _FORBIDDEN_FIELD or _OUT_OF_SCOPE); nothing was saved.',
    fields: (t) => ({
      problems: t.exposeStringList('problems', {
        description: 'Every problem found, each with its line:column in the document where it has one.',
      }),
    }),
  });
  const DeliveryState = builder.enumType('WebhookDeliveryState', { values: DELIVERY_STATES });

  builder.objectType(WebhookAttempt, {
    name: 'WebhookAttempt',
    description: 'One HTTP request of a delivery.',
    authScopes: OWNERS,
    fields: (t) => ({
      number: t.exposeInt('number'),
      startedAt: t.expose('startedAt', { type: 'DateTime' }),
      durationMs: t.exposeInt('durationMs'),
      statusCode: t.exposeInt('statusCode', { nullable: true, description: 'Null when no response came.' }),
      error: t.exposeString('error', { nullable: true }),
      succeeded: t.exposeBoolean('succeeded'),
    }),
  });

  builder.objectType(WebhookDelivery, {
    name: 'WebhookDelivery',
    description:
      'One event owed to one endpoint, retried with backoff until a 2xx answer or the retry window ends.',
    authScopes: OWNERS,
    fields: (t) => ({
      id: t.exposeID('id'),
      eventId: t.id({ resolve: (d) => d.event.id }),
      eventType: t.string({ resolve: (d) => d.event.type }),
      cursor: t.string({ nullable: true, resolve: (d) => d.event.position?.toString() ?? null }),
      state: t.field({ type: DeliveryState, resolve: (d) => d.state }),
      attemptCount: t.exposeInt('attempts'),
      nextAttemptAt: t.field({
        type: 'DateTime',
        nullable: true,
        resolve: (d) => (d.state === 'pending' ? d.nextAttemptAt : null),
      }),
      createdAt: t.expose('createdAt', { type: 'DateTime' }),
      deliveredAt: t.expose('deliveredAt', { type: 'DateTime', nullable: true }),
      attempts: t.field({ type: [WebhookAttempt], resolve: (d, _args, ctx) => webhooks.attempts(ctx, d) }),
    }),
  });

  builder.objectType(WebhookEndpoint, {
    name: 'WebhookEndpoint',
    description: `Where the gateway POSTs events, signed in the \`${SIGNATURE_HEADER}\` header.`,
    authScopes: OWNERS,
    fields: (t) => ({
      id: t.exposeID('id'),
      url: t.exposeString('url'),
      description: t.exposeString('description', { nullable: true }),
      eventTypes: t.exposeStringList('eventTypes'),
      payloadQuery: t.exposeString('payloadQuery', { nullable: true, description: PAYLOAD_QUERY_HELP }),
      partnerId: t.id({ nullable: true, resolve: (e) => e.partner?.id ?? null }),
      merchantId: t.id({ nullable: true, resolve: (e) => e.merchant?.id ?? null }),
      enabled: t.boolean({ resolve: (e) => !e.disabledAt }),
      previousSecretExpiresAt: t.field({
        type: 'DateTime',
        nullable: true,
        description: 'Until then deliveries carry a second signature made with the previous secret.',
        resolve: (e) =>
          e.previousSecretExpiresAt && e.previousSecretExpiresAt.getTime() > Date.now()
            ? e.previousSecretExpiresAt
            : null,
      }),
      createdAt: t.expose('createdAt', { type: 'DateTime' }),
      deliveries: t.connection({
        type: WebhookDelivery,
        description: 'Newest first.',
        args: { state: t.arg({ type: DeliveryState }) },
        resolve: (endpoint, args, ctx) =>
          resolveOffsetConnection({ args }, ({ limit, offset }) =>
            webhooks.deliveries(ctx, endpoint, { state: args.state, limit, offset }),
          ),
      }),
    }),
  });

  const EndpointWithSecret = builder
    .objectRef<{ endpoint: WebhookEndpoint; secret: string }>('WebhookEndpointWithSecret')
    .implement({
      authScopes: OWNERS,
      fields: (t) => ({
        endpoint: t.field({ type: WebhookEndpoint, resolve: (r) => r.endpoint }),
        secret: t.exposeString('secret', {
          description: 'The signing secret. Store it now: it is never shown again.',
        }),
      }),
    });

  const ReplayResult = builder.objectRef<{ scheduled: number }>('WebhookReplay').implement({
    authScopes: OWNERS,
    fields: (t) => ({ scheduled: t.exposeInt('scheduled', { description: 'Deliveries scheduled.' }) }),
  });

  const Deleted = builder.objectRef<{ id: string }>('DeletedWebhookEndpoint').implement({
    authScopes: OWNERS,
    fields: (t) => ({ id: t.exposeID('id') }),
  });

  const CreateInput = builder.inputType('CreateWebhookEndpointInput', {
    fields: (t) => ({
      url: t.string({ required: true, description: 'https only.' }),
      eventTypes: t.stringList({
        description:
          'Types or patterns: payment.captured, payment.*, *. Left out: the merchant’s default (`setWebhookDefaults`); refused if it has none.',
      }),
      description: t.string(),
      merchantId: t.id({
        description:
          'Partners: only this granted merchant (default: every granted merchant). Operators: the owner.',
      }),
      payloadQuery: t.string({ description: PAYLOAD_QUERY_HELP }),
    }),
  });

  const UpdateInput = builder.inputType('UpdateWebhookEndpointInput', {
    fields: (t) => ({
      url: t.string(),
      eventTypes: t.stringList(),
      description: t.string(),
      enabled: t.boolean({
        description: 'Disabling gives up the pending deliveries; replay to send them later.',
      }),
      payloadQuery: t.string({ description: `${PAYLOAD_QUERY_HELP} Null removes it.` }),
    }),
  });

  builder.queryFields((t) => ({
    webhookEndpoints: t.withAuth(OWNERS).field({
      type: [WebhookEndpoint],
      description: 'Your endpoints (operators: all).',
      resolve: (_root, _args, ctx) => webhooks.list(ctx),
    }),
    webhookEndpoint: t.withAuth(OWNERS).field({
      type: WebhookEndpoint,
      args: { id: t.arg.id({ required: true }) },
      errors: { types: [NotFoundError] },
      resolve: (_root, { id }, ctx) => webhooks.get(ctx, String(id)),
    }),
  }));

  builder.mutationFields((t) => ({
    createWebhookEndpoint: t.withAuth(OWNERS).field({
      type: EndpointWithSecret,
      description: 'Registers an endpoint; the result holds its signing secret, once.',
      args: { input: t.arg({ type: CreateInput, required: true }) },
      errors: { types: [ValidationError, NotFoundError, WebhookPayloadQueryError] },
      resolve: (_root, { input }, ctx) =>
        webhooks.create(ctx, {
          url: input.url,
          eventTypes: input.eventTypes,
          description: input.description,
          merchantId: input.merchantId == null ? null : String(input.merchantId),
          payloadQuery: input.payloadQuery,
        }),
    }),
    updateWebhookEndpoint: t.withAuth(OWNERS).field({
      type: WebhookEndpoint,
      args: { id: t.arg.id({ required: true }), input: t.arg({ type: UpdateInput, required: true }) },
      errors: { types: [ValidationError, NotFoundError, WebhookPayloadQueryError] },
      resolve: (_root, { id, input }, ctx) => webhooks.update(ctx, String(id), input),
    }),
    rotateWebhookSecret: t.withAuth(OWNERS).field({
      type: EndpointWithSecret,
      description:
        'A new secret, shown once. For `overlapSeconds` deliveries are signed with both the new and the previous secret.',
      args: {
        id: t.arg.id({ required: true }),
        overlapSeconds: t.arg.int({ defaultValue: 86_400 }),
      },
      errors: { types: [ValidationError, NotFoundError] },
      resolve: (_root, { id, overlapSeconds }, ctx) =>
        webhooks.rotateSecret(ctx, String(id), overlapSeconds ?? 86_400),
    }),
    deleteWebhookEndpoint: t.withAuth(OWNERS).field({
      type: Deleted,
      args: { id: t.arg.id({ required: true }) },
      errors: { types: [NotFoundError] },
      resolve: async (_root, { id }, ctx) => ({ id: await webhooks.delete(ctx, String(id)) }),
    }),
    replayWebhookEvents: t.withAuth(OWNERS).field({
      type: ReplayResult,
      description:
        'Sends every stored event after the cursor that the endpoint wants again (optionally only some types), delivered or not.',
      args: {
        endpointId: t.arg.id({ required: true }),
        after: t.arg.string({ required: true }),
        types: t.arg.stringList(),
      },
      errors: { types: [ValidationError, NotFoundError] },
      resolve: async (_root, args, ctx) => ({
        scheduled: await webhooks.replay(ctx, String(args.endpointId), {
          after: args.after,
          types: args.types,
        }),
      }),
    }),
  }));
}
