import type { EntityManager } from '@mikro-orm/core';
import { z } from 'zod';

/**
 * The `plugin.switched` hook's input: one operator decision, run inside the transaction that
 * records it, so what a handler writes with `em` commits (or rolls back) with the change.
 */
export interface PluginSwitched {
  readonly em: EntityManager;
  readonly merchantId: string;
  readonly plugin: string;
  readonly enabled: boolean;
  /** The state before, the plugin's default included; equal to `enabled` when an operator confirms it. */
  readonly before: boolean;
  readonly changedAt: Date;
}

/**
 * The event a handler (the events plugin) publishes for a decision. The reason stays out: it is
 * an operator's free text and events reach partners and webhooks.
 */
export const PLUGIN_SWITCHED_EVENT = {
  type: 'plugin.switched',
  description: 'An operator turned a plugin on or off for the merchant (or confirmed its state).',
  payload: z.object({
    merchantId: z.uuid(),
    plugin: z.string(),
    enabled: z.boolean(),
    before: z.boolean(),
    changedAt: z.iso.datetime(),
  }),
} as const;

export function pluginSwitchedEvent({ merchantId, plugin, enabled, before, changedAt }: PluginSwitched) {
  return {
    type: PLUGIN_SWITCHED_EVENT.type,
    merchantId,
    payload: { merchantId, plugin, enabled, before, changedAt: changedAt.toISOString() },
  };
}
