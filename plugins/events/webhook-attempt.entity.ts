import { defineEntity, p } from '@mikro-orm/core';
import { WebhookDelivery } from './webhook-delivery.entity.ts';

const WebhookAttemptSchema = defineEntity({
  name: 'WebhookAttempt',
  properties: {
    id: p.uuid().primary(),
    delivery: () => p.manyToOne(WebhookDelivery).deleteRule('cascade').index(),
    number: p.integer(),
    startedAt: p.datetime(),
    durationMs: p.integer(),
    /** The receiver's HTTP status, or null when none came (refused, timed out). */
    statusCode: p.smallint().nullable(),
    /** Why it failed, in a few words (never the response body). */
    error: p.string().length(200).nullable(),
    succeeded: p.boolean(),
  },
});

/** One HTTP request of a delivery, kept for the partner's and operator's debugging. */
export class WebhookAttempt extends WebhookAttemptSchema.class {}
WebhookAttemptSchema.setClass(WebhookAttempt);

export { WebhookAttemptSchema };
