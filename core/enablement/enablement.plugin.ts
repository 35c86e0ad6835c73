import { personal, technical } from '../db/data-map.ts';
import { definePlugin, type InstalledPlugin } from '../plugin.ts';
import { KERNEL_PLUGINS } from '../registry.ts';
import { registerEnablementSchema } from './enablement.schema.ts';
import { EnablementService } from './enablement.service.ts';
import { Migration0001PluginSwitches } from './migrations/0001-plugin-switches.ts';
import { PluginSwitchSchema } from './plugin-switch.entity.ts';
import { PluginSwitchAuditSchema } from './plugin-switch-audit.entity.ts';
import { PLUGIN_SWITCHED_EVENT } from './plugin-switched.ts';
import { Switchboard } from './switchboard.ts';
import './global-types.ts';

/**
 * The kernel's per-merchant switches, installed right after `auth`. Built for the gateway's
 * plugin list (`installed`: the operator's plugins), because which plugins can be switched and
 * their defaults are what those plugins declare.
 */
export function enablementPlugin(installed: readonly InstalledPlugin[]) {
  return definePlugin({
    name: 'enablement',
    version: '1.0.0',
    description: 'Installed versus enabled: operators turn plugins on and off per merchant, audited',
    requires: ['auth', 'privacy'],
    entities: [PluginSwitchAuditSchema, PluginSwitchSchema],
    migrations: [{ name: '0001-plugin-switches', class: Migration0001PluginSwitches }],
    dataMap: {
      PluginSwitch: {
        id: technical('identify the switch'),
        merchant: technical('whose switch'),
        plugin: technical('which plugin'),
        enabled: technical('decide whether the plugin runs for the merchant'),
        lastChange: technical('the decision in force and its version'),
      },
      PluginSwitchAudit: {
        id: technical('order decisions; version the in-memory state'),
        merchant: technical('whose decision'),
        plugin: technical('which plugin'),
        before: technical('audit'),
        after: technical('audit'),
        // Free text a person wrote, which may name people; kept out of events.
        reason: personal('accountability: why an operator decided', {
          retention: 'while-active',
          basis: 'legal-obligation',
          source: 'provided',
        }),
        actorKind: technical('accountability: who decided'),
        actorKeyId: technical('accountability: who decided'),
        changedAt: technical('audit'),
      },
    },
    setup: (plugin) => {
      const definitions = installed.map((p) => p.definition);
      const enablement = new EnablementService({
        board: new Switchboard(definitions),
        installed: new Set([...KERNEL_PLUGINS, ...definitions.map((d) => d.name)]),
        // No merchantOf: every handler hears every decision, also a plugin hearing it was turned on.
        switched: plugin.declareHook('plugin.switched', { combine: () => undefined }),
        orm: plugin.orm,
        log: plugin.log,
      });
      return {
        services: enablement,
        schema: (builder) => registerEnablementSchema(builder, enablement),
        // Published by whoever handles `plugin.switched` (the events plugin), declared here.
        eventTypes: [PLUGIN_SWITCHED_EVENT],
        // An operator's reason is about a merchant's plugin, never linked to a merchant's
        // customer: a subject's export finds none and an erasure has none to destroy. The
        // audit keeps it (accountability), and the operator who wrote it can read it there.
        hooks: {
          'subject.export': () => [],
          'subject.erase': () => ({ erased: [], kept: [] }),
        },
        onReady: () => enablement.start(),
        onClose: () => enablement.close(),
      };
    },
  });
}
