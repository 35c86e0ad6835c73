import type { EntityManager } from '@mikro-orm/core';
import { NotFoundError } from '../../schema/errors.ts';
import type { ApiKeyKind } from '../auth/api-key.entity.ts';
import { announceChange } from '../db/change-feed.ts';
import { query } from '../db/sql.ts';
import type { HookRunner } from '../hooks.ts';
import { PluginSwitch } from './plugin-switch.entity.ts';
import { PluginSwitchAudit } from './plugin-switch-audit.entity.ts';
import { noticeOf, SWITCH_CHANNEL } from './switch-propagation.ts';

export interface Change {
  merchantId: string;
  plugin: string;
  enabled: boolean;
  reason: string;
  defaultEnabled: boolean;
  actor: { kind: ApiKeyKind; keyId: string };
  switched: HookRunner<'plugin.switched', void>;
}

/**
 * Writes one decision inside `tx`: the audit row, the switch row pointing at it, the NOTIFY
 * (delivered to every process when `tx` commits, never if it rolls back) and the
 * `plugin.switched` hook, whose handlers write into the same transaction.
 */
export async function recordChange(tx: EntityManager, change: Change): Promise<PluginSwitchAudit> {
  const { merchantId, plugin, enabled } = change;
  // Serializes changes per merchant, so "before" is exact and later changes get larger ids.
  // `no key update` leaves foreign-key checks (payments, keys referencing the merchant) unblocked.
  const locked = await query(tx, 'select id from merchant where id = ? for no key update', [merchantId]);
  if (locked.length === 0) throw new NotFoundError('Merchant', merchantId);
  const current = await tx.findOne(PluginSwitch, { merchant: merchantId, plugin });
  const before = current?.enabled ?? change.defaultEnabled;
  const audit = tx.create(PluginSwitchAudit, {
    merchant: merchantId,
    plugin,
    before,
    after: enabled,
    reason: change.reason,
    actorKind: change.actor.kind,
    actorKeyId: change.actor.keyId,
    changedAt: new Date(),
  });
  await tx.flush();
  if (current) tx.assign(current, { enabled, lastChange: audit });
  else tx.create(PluginSwitch, { merchant: merchantId, plugin, enabled, lastChange: audit });
  await tx.flush();
  await announceChange(tx, SWITCH_CHANNEL, noticeOf({ merchantId, plugin, enabled, version: audit.id }));
  await change.switched.run({ em: tx, merchantId, plugin, enabled, before, changedAt: audit.changedAt });
  return audit;
}
