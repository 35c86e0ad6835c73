import { defineEntity, p } from '@mikro-orm/core';
import { API_KEY_KINDS } from '../auth/api-key.entity.ts';
import { Merchant } from '../auth/merchant.entity.ts';

export const MAX_REASON_LENGTH = 500;

const PluginSwitchAuditSchema = defineEntity({
  name: 'PluginSwitchAudit',
  indexes: [{ properties: ['merchant', 'id'] }],
  properties: {
    /**
     * The change's number. Changes to one merchant are serialized (its row is locked), so per
     * (merchant, plugin) a later change has a larger number: processes use it as the version of
     * what they hold in memory.
     */
    id: p.bigint().primary().autoincrement(),
    merchant: () => p.manyToOne(Merchant),
    plugin: p.string().length(100),
    /** The state the merchant had, its plugin's default included. */
    before: p.boolean(),
    after: p.boolean(),
    /** Free text from the operator: kept here and in the API, never in events. */
    reason: p.string().length(MAX_REASON_LENGTH),
    /** Who decided: the kind of API key and its id (switching takes an API key, today an operator's). */
    actorKind: p.enum(API_KEY_KINDS),
    actorKeyId: p.uuid(),
    changedAt: p.datetime(),
  },
});

/** One operator decision about one plugin for one merchant. Appended, never rewritten. */
export class PluginSwitchAudit extends PluginSwitchAuditSchema.class {}
PluginSwitchAuditSchema.setClass(PluginSwitchAudit);

export { PluginSwitchAuditSchema };
