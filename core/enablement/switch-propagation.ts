import type { MikroORM } from '@mikro-orm/core';
import { PgListener } from '../db/pg-listener.ts';
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
 * Keeps this process's switchboard equal to the database: a full load at start, then every
 * change as it commits anywhere (PostgreSQL LISTEN/NOTIFY), a full reload after the listener
 * reconnects (notifications sent meanwhile are lost) and on an interval. On the embedded database
 * there is one process, and the service applies its own changes after commit.
 */
export class SwitchPropagation {
  readonly #board: Switchboard;
  readonly #orm: MikroORM;
  readonly #log: Logger;
  #listener: PgListener | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(board: Switchboard, orm: MikroORM, log: Logger) {
    this.#board = board;
    this.#orm = orm;
    this.#log = log;
  }

  async start(): Promise<void> {
    const url = this.#orm.config.get('clientUrl');
    if (url) {
      this.#listener = new PgListener({
        url,
        channel: SWITCH_CHANNEL,
        log: this.#log,
        name: 'plugin switch listener',
        onNotice: (payload) => this.#notice(payload),
        // The first connect is followed by the load below; a reconnect may have missed changes.
        onConnect: (first) => {
          if (!first) void this.#reloadLogged();
        },
      });
      // LISTEN before loading: a change committed in between is in the load, notified, or both.
      await this.#listener.start();
      this.#timer = setInterval(() => void this.#reloadLogged(), RELOAD_INTERVAL_MS).unref();
    }
    await this.#reload();
  }

  async #reload(): Promise<void> {
    const rows = await query<{ merchant_id: string; plugin: string; enabled: boolean; version: string }>(
      this.#orm.em.fork(),
      'select merchant_id, plugin, enabled, last_change_id::text as version from plugin_switch',
    );
    for (const row of rows) {
      this.#board.apply({
        merchantId: row.merchant_id,
        plugin: row.plugin,
        enabled: row.enabled,
        version: BigInt(row.version),
      });
    }
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.#listener?.close();
  }

  #notice(payload: string): void {
    const state = stateOf(payload);
    if (state) {
      this.#board.apply(state);
      return;
    }
    this.#log.warn({ payload: payload.slice(0, 200) }, 'unreadable plugin switch notice; reloading');
    void this.#reloadLogged();
  }

  async #reloadLogged(): Promise<void> {
    try {
      await this.#reload();
    } catch (error) {
      this.#log.warn({ err: error }, 'plugin switch reload failed; the next one will retry');
    }
  }
}
