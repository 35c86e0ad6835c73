import { randomUUID } from 'node:crypto';
import { defineEntity, p } from '@mikro-orm/core';
import { Merchant } from '../auth/merchant.entity.ts';
import { PluginSwitchAudit } from './plugin-switch-audit.entity.ts';

const PluginSwitchSchema = defineEntity({
  name: 'PluginSwitch',
  uniques: [{ name: 'plugin_switch_merchant_id_plugin_unique', properties: ['merchant', 'plugin'] }],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    merchant: () => p.manyToOne(Merchant),
    plugin: p.string().length(100),
    enabled: p.boolean(),
    /** The decision in force: who, when and why, and (its id) the version processes compare. */
    lastChange: () => p.manyToOne(PluginSwitchAudit),
  },
});

/**
 * An operator's decision in force for one (merchant, plugin). No row: the plugin's declared
 * default applies, so a merchant created later needs no rows and a plugin's default is one line.
 */
export class PluginSwitch extends PluginSwitchSchema.class {}
PluginSwitchSchema.setClass(PluginSwitch);

export { PluginSwitchSchema };
