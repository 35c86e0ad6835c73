import type { MikroORM } from '@mikro-orm/core';
import { ChangeFeed } from '../db/change-feed.ts';
import { query } from '../db/sql.ts';
import type { Logger } from '../logging.ts';
import type { Switchboard, SwitchState } from './switchboard.ts';

/**
 * A safety net, not the way changes travel: a notification can be missed without the listener
 * noticing (a proxy that drops LISTEN, a payload this version cannot read), and a full reload
 * every minute bounds how long a process can be wrong. It reads every switch row: one small row
 * per operator decision, so cheap next to a minute of traffic.
 */
const RELOAD_INTERVAL_MS = 60_000;

/** The channel a change is announced on; its payload is the new state as JSON (`noticeOf`). */
export const SWITCH_CHANNEL = 'gateway_plugin_switch';

export function noticeOf(state: SwitchState): string {
  return JSON.stringify({ ...state, version: state.version.toString() });
}

function stateOf(payload: string): SwitchState | undefined {
  try {
    const { merchantId, plugin, enabled, version } = JSON.parse(payload);
    if (typeof merchantId !== 'string' || typeof plugin !== 'string' || typeof enabled !== 'boolean')
      return undefined;
    return { merchantId, plugin, enabled, version: BigInt(version) };
  } catch {
    return undefined;
  }
}

/**
 * Keeps this process's switchboard equal to the database through the kernel's change feed
 * (core/db/change-feed.ts): a full load at start, then every change as it commits anywhere, a
 * full reload after a reconnect and on an interval. The switchboard keeps the newest version, so
 * a reload racing a notice cannot go back.
 */
export class SwitchPropagation {
  readonly #feed: ChangeFeed;

  constructor(board: Switchboard, orm: MikroORM, log: Logger) {
    this.#feed = new ChangeFeed({
      orm,
      log,
      channel: SWITCH_CHANNEL,
      name: 'plugin switch',
      intervalMs: RELOAD_INTERVAL_MS,
      apply: (payload) => {
        const state = stateOf(payload);
        if (state) board.apply(state);
        return state !== undefined;
      },
      catchUp: async () => {
        const rows = await query<{ merchant_id: string; plugin: string; enabled: boolean; version: string }>(
          orm.em.fork(),
          'select merchant_id, plugin, enabled, last_change_id::text as version from plugin_switch',
        );
        for (const row of rows) {
          board.apply({
            merchantId: row.merchant_id,
            plugin: row.plugin,
            enabled: row.enabled,
            version: BigInt(row.version),
          });
        }
      },
    });
  }

  start(): Promise<void> {
    return this.#feed.start();
  }

  close(): Promise<void> {
    return this.#feed.close();
  }
}
