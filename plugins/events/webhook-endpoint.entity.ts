import { defineEntity, p } from '@mikro-orm/core';
import { Merchant, Partner } from '../../core/plugin-api.ts';

const WebhookEndpointSchema = defineEntity({
  name: 'WebhookEndpoint',
  properties: {
    id: p.uuid().primary(),
    /** Owner: a partner (events of the merchants that granted it) or a merchant (its own events). */
    partner: () => p.manyToOne(Partner).nullable().deleteRule('cascade'),
    merchant: () => p.manyToOne(Merchant).nullable().deleteRule('cascade'),
    url: p.string().length(2048),
    description: p.string().length(200).nullable(),
    /** Event types or `prefix.*` patterns. */
    eventTypes: p.array(),
    /** The signing secret, sealed with the row id as associated data. */
    secretSealed: p.text(),
    /** The secret before the last rotation; deliveries are signed with both until it expires. */
    previousSecretSealed: p.text().nullable(),
    previousSecretExpiresAt: p.datetime().nullable(),
    /** A GraphQL subscription document that shapes the deliveries' bodies; null: the default body. */
    payloadQuery: p.text().nullable(),
    createdAt: p.datetime(),
    disabledAt: p.datetime().nullable(),
  },
});

export class WebhookEndpoint extends WebhookEndpointSchema.class {}
WebhookEndpointSchema.setClass(WebhookEndpoint);

export { WebhookEndpointSchema };
