import { definePlugin, type GatewayBuilder, pluginSwitchedEvent, technical } from '../../core/plugin-api.ts';
import { WebhookDefaultsSchema } from './defaults/webhook-defaults.entity.ts';
import { registerWebhookDefaultsSchema } from './defaults/webhook-defaults.schema.ts';
import { WebhookDefaultsService } from './defaults/webhook-defaults.service.ts';
import { WebhookDefaultsBoard } from './defaults/webhook-defaults-board.ts';
import { WebhookDefaultsChangeSchema } from './defaults/webhook-defaults-change.entity.ts';
import { EventFanOut } from './event-fan-out.ts';
import { EventLogHeadSchema } from './event-log-head.entity.ts';
import { eventsOptions } from './events.options.ts';
import { registerEventsSchema } from './events.schema.ts';
import { EventsService } from './events.service.ts';
import { GatewayEventSchema } from './gateway-event.entity.ts';
import { Migration0001EventLog } from './migrations/0001-event-log.ts';
import { Migration0002Webhooks } from './migrations/0002-webhooks.ts';
import { Migration0003EventFunctions } from './migrations/0003-event-functions.ts';
import { Migration0004NotifyPerBatch } from './migrations/0004-notify-per-batch.ts';
import { Migration0005PublishAll } from './migrations/0005-publish-all.ts';
import { Migration0006WebhookPayloadQuery } from './migrations/0006-webhook-payload-query.ts';
import { Migration0007WebhookDefaults } from './migrations/0007-webhook-defaults.ts';
import { Migration0008SequencePassAnswers } from './migrations/0008-sequence-pass-answers.ts';
import { WebhookAttemptSchema } from './webhook-attempt.entity.ts';
import { WebhookDeliverySchema } from './webhook-delivery.entity.ts';
import { WebhookEndpointSchema } from './webhook-endpoint.entity.ts';
import { WebhookEndpointsService } from './webhook-endpoints.service.ts';
import { PayloadQueries } from './webhook-payload-query.ts';
import { registerWebhooksSchema } from './webhooks.schema.ts';
import './global-types.ts';

/**
 * The event kernel: the outbox event log, its fan-out to subscribers across processes, and
 * signed webhooks. Producers call `services.events.publish(em, event)` inside their transaction.
 */
export const eventsPlugin = definePlugin({
  name: 'events',
  version: '1.0.0',
  description:
    'Outbox event log, resumable subscriptions (graphql-ws, SSE), signed webhooks, multi-process fan-out',
  options: eventsOptions,
  entities: [
    EventLogHeadSchema,
    GatewayEventSchema,
    WebhookEndpointSchema,
    WebhookDeliverySchema,
    WebhookAttemptSchema,
    WebhookDefaultsSchema,
    WebhookDefaultsChangeSchema,
  ],
  migrations: [
    { name: '0001-event-log', class: Migration0001EventLog },
    { name: '0002-webhooks', class: Migration0002Webhooks },
    { name: '0003-event-functions', class: Migration0003EventFunctions },
    { name: '0004-notify-per-batch', class: Migration0004NotifyPerBatch },
    { name: '0005-publish-all', class: Migration0005PublishAll },
    { name: '0006-webhook-payload-query', class: Migration0006WebhookPayloadQuery },
    { name: '0007-webhook-defaults', class: Migration0007WebhookDefaults },
    { name: '0008-sequence-pass-answers', class: Migration0008SequencePassAnswers },
  ],
  dataMap: {
    EventLogHead: {
      id: technical('the single head row'),
      position: technical('hand out cursors in commit order'),
      purgedThrough: technical('tell resuming readers that events were purged'),
    },
    GatewayEvent: {
      id: technical('identify the event; receivers deduplicate on it', 'P30D'),
      insertOrder: technical('keep the order of events within a transaction', 'P30D'),
      position: technical('the cursor readers resume from', 'P30D'),
      type: technical('what happened', 'P30D'),
      merchantId: technical('whose event; who may read it', 'P30D'),
      payload: {
        category: 'financial',
        purpose: 'tell partners what happened: ids, amounts and states only, no personal data',
        retention: 'P30D',
      },
      createdAt: technical('retention and ordering', 'P30D'),
    },
    WebhookEndpoint: {
      id: technical('identify the endpoint'),
      partner: technical('owner'),
      merchant: technical('owner, or the one merchant a partner endpoint is narrowed to'),
      url: technical('where to deliver'),
      description: technical('tell endpoints apart'),
      eventTypes: technical('which events to deliver'),
      payloadQuery: technical('which fields each delivery carries'),
      secretSealed: { category: 'credential', purpose: 'sign deliveries', retention: 'until-revoked' },
      previousSecretSealed: {
        category: 'credential',
        purpose: 'sign deliveries during a rotation',
        retention: 'until-revoked',
      },
      previousSecretExpiresAt: technical('end the rotation overlap'),
      createdAt: technical('audit'),
      disabledAt: technical('stop deliveries'),
    },
    WebhookDelivery: {
      id: technical('identify the delivery', 'P30D'),
      endpoint: technical('where to', 'P30D'),
      event: technical('what', 'P30D'),
      state: technical('retry until delivered or given up', 'P30D'),
      attempts: technical('backoff', 'P30D'),
      nextAttemptAt: technical('schedule retries; lease a claimed delivery', 'P30D'),
      leaseToken: technical('only the claiming process records the outcome', 'P30D'),
      createdAt: technical('the retry window', 'P30D'),
      deliveredAt: technical('audit', 'P30D'),
    },
    WebhookAttempt: {
      id: technical('identify the attempt', 'P30D'),
      delivery: technical('which delivery', 'P30D'),
      number: technical('order of attempts', 'P30D'),
      startedAt: technical('debugging', 'P30D'),
      durationMs: technical('debugging', 'P30D'),
      statusCode: technical('debugging', 'P30D'),
      error: technical('debugging', 'P30D'),
      succeeded: technical('debugging', 'P30D'),
    },
    WebhookDefaults: {
      merchantId: technical('whose defaults'),
      eventTypes: technical('the event types of a new endpoint that names none'),
      retryForSeconds: technical('how long the merchant’s deliveries are retried'),
      version: technical('every process keeps the newest'),
    },
    WebhookDefaultsChange: {
      id: technical('order of changes'),
      merchantId: technical('whose defaults'),
      before: technical('audit'),
      after: technical('audit'),
      reason: technical('audit: why the operator changed them'),
      actorKeyId: technical('audit: which operator key'),
      changedAt: technical('audit'),
    },
  },
  setup: (plugin) => {
    // Scope-auth evaluates a payload query's field policies with the builder's scope loaders.
    let builder: GatewayBuilder | undefined;
    const payloadQueries = new PayloadQueries({
      schema: () => plugin.schema(),
      builder: () => builder!,
      services: plugin.services,
      log: plugin.log,
    });
    // Merchants' webhook defaults over the webhooks options, the same in every process.
    const defaultsBoard = new WebhookDefaultsBoard(plugin.options.webhooks.retryForMs);
    const defaults = new WebhookDefaultsService(
      defaultsBoard,
      plugin.options.webhooks.retryForMs,
      plugin.orm,
      plugin.log,
    );
    const fanOut = new EventFanOut(plugin, payloadQueries, defaultsBoard);
    const events = new EventsService(fanOut, plugin.options, () => plugin.eventTypes());
    const webhookEndpoints = new WebhookEndpointsService(
      plugin.secrets,
      plugin.options.webhooks,
      () => fanOut.dispatcher.wake(),
      payloadQueries,
      defaultsBoard,
    );
    return {
      services: events,
      // The kernel cannot depend on this plugin: it runs this hook inside its transaction instead.
      hooks: {
        'plugin.switched': async (change) => {
          await events.publish(change.em, pluginSwitchedEvent(change));
        },
      },
      schema: (schemaBuilder) => {
        builder = schemaBuilder;
        registerEventsSchema(schemaBuilder, events);
        registerWebhooksSchema(schemaBuilder, webhookEndpoints);
        registerWebhookDefaultsSchema(schemaBuilder, defaults, 'payments' in plugin.services);
      },
      onReady: async () => {
        events.eventTypes(); // a badly named declaration stops boot here
        await defaults.start();
        await fanOut.start();
      },
      onClose: async () => {
        await fanOut.close();
        await defaults.close();
      },
    };
  },
});
