import { defineEntity, p } from '@mikro-orm/core';
import type { WebhookDefaultValues } from './webhook-defaults.entity.ts';

/**
 * The same shape as the payments plugin's merchant settings audit, in a table of its own: the
 * events plugin does not depend on payments, and each plugin owns the settings it contributes.
 */
const WebhookDefaultsChangeSchema = defineEntity({
  name: 'WebhookDefaultsChange',
  indexes: [{ properties: ['merchantId', 'id'] }],
  properties: {
    /** Changes to one merchant are serialized (its row is locked): a later one has a larger id. */
    id: p.bigint().primary().autoincrement(),
    merchantId: p.uuid(),
    before: p.json<WebhookDefaultValues>(),
    after: p.json<WebhookDefaultValues>(),
    reason: p.string().length(500),
    /** The operator's API key that made the change. */
    actorKeyId: p.uuid(),
    changedAt: p.datetime(),
  },
});

/** One operator decision about a merchant's webhook defaults. Appended, never rewritten. */
export class WebhookDefaultsChange extends WebhookDefaultsChangeSchema.class {}
WebhookDefaultsChangeSchema.setClass(WebhookDefaultsChange);

export { WebhookDefaultsChangeSchema };
