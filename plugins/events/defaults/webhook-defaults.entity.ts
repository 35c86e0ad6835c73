import { defineEntity, p } from '@mikro-orm/core';

/** A merchant's own webhook defaults; null where the events plugin's configuration applies. */
export interface WebhookDefaultValues {
  /** The event types of an endpoint created without `eventTypes`. */
  eventTypes: string[] | null;
  /** How long the merchant's deliveries are retried; at most the plugin's `webhooks.retryForMs`. */
  retryForSeconds: number | null;
}

const WebhookDefaultsSchema = defineEntity({
  name: 'WebhookDefaults',
  properties: {
    /** No foreign key: like the audit, the row is keyed by the merchant it configures. */
    merchantId: p.uuid().primary(),
    eventTypes: p.array().nullable(),
    retryForSeconds: p.integer().nullable(),
    /** The audit change that wrote the row: every process keeps the newest it has seen. */
    version: p.bigint(),
  },
});

/**
 * A merchant's webhook defaults, as operators set them. Every process holds them in memory
 * (WebhookDefaultsBoard) and applies a change as soon as it commits (defaults-propagation.ts).
 */
export class WebhookDefaults extends WebhookDefaultsSchema.class {}
WebhookDefaultsSchema.setClass(WebhookDefaults);

export { WebhookDefaultsSchema };
