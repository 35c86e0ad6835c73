import { defineEntity, p } from '@mikro-orm/core';
import { GatewayEvent } from './gateway-event.entity.ts';
import { WebhookEndpoint } from './webhook-endpoint.entity.ts';

export const DELIVERY_STATES = ['pending', 'delivered', 'failed'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

const WebhookDeliverySchema = defineEntity({
  name: 'WebhookDelivery',
  uniques: [{ properties: ['endpoint', 'event'] }],
  indexes: [{ name: 'webhook_delivery_due_idx', properties: ['state', 'nextAttemptAt'] }],
  properties: {
    id: p.uuid().primary(),
    endpoint: () => p.manyToOne(WebhookEndpoint).deleteRule('cascade'),
    event: () => p.manyToOne(GatewayEvent).deleteRule('cascade').index(),
    state: p.enum(DELIVERY_STATES),
    attempts: p.integer(),
    /** When a process may next claim it; a claim moves it past the attempt's time limit (a lease). */
    nextAttemptAt: p.datetime(),
    /** Set by the claim: only the process holding it may record the attempt. */
    leaseToken: p.uuid().nullable(),
    /** Start of the retry window (reset by a replay). */
    createdAt: p.datetime(),
    deliveredAt: p.datetime().nullable(),
  },
});

/** One event owed to one endpoint. */
export class WebhookDelivery extends WebhookDeliverySchema.class {}
WebhookDeliverySchema.setClass(WebhookDelivery);

export { WebhookDeliverySchema };
