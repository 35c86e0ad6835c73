import type { EntityManager } from '@mikro-orm/core';
import { announceChange, ChangeFeed, type Logger, type MikroORM, query } from '../../../core/plugin-api.ts';
import type { DefaultsState, WebhookDefaultsBoard } from './webhook-defaults-board.ts';

/** The channel a change is announced on; its payload is the new state as JSON. */
export const DEFAULTS_CHANNEL = 'gateway_webhook_defaults';

/** A safety net against a lost notice, as for merchant settings: one small row per configured merchant. */
const RELOAD_INTERVAL_MS = 60_000;

/** Sends the new state inside `tx`: every process hears it when `tx` commits, never if it rolls back. */
export async function announceDefaults(tx: EntityManager, state: DefaultsState): Promise<void> {
  await announceChange(tx, DEFAULTS_CHANNEL, JSON.stringify({ ...state, version: state.version.toString() }));
}

function stateOf(payload: string): DefaultsState | undefined {
  try {
    const { merchantId, values, version } = JSON.parse(payload);
    if (typeof merchantId !== 'string' || typeof values !== 'object' || values === null) return undefined;
    return { merchantId, values, version: BigInt(version) };
  } catch {
    return undefined;
  }
}

/**
 * Keeps this process's board equal to the database through the kernel's change feed
 * (core/db/change-feed.ts), as the payments plugin's merchant settings travel: a full load at
 * start, every change as it commits anywhere, a full reload after a reconnect and on an interval.
 */
export function defaultsFeed(board: WebhookDefaultsBoard, orm: MikroORM, log: Logger): ChangeFeed {
  return new ChangeFeed({
    orm,
    log,
    channel: DEFAULTS_CHANNEL,
    name: 'webhook defaults',
    intervalMs: RELOAD_INTERVAL_MS,
    apply: (payload) => {
      const state = stateOf(payload);
      if (state) board.apply(state);
      return state !== undefined;
    },
    catchUp: async () => {
      const rows = await query<{
        merchant_id: string;
        event_types: string[] | null;
        retry_for_seconds: number | null;
        version: string;
      }>(
        orm.em.fork(),
        'select merchant_id, event_types, retry_for_seconds, version::text as version from webhook_defaults',
      );
      for (const row of rows) {
        board.apply({
          merchantId: row.merchant_id,
          values: { eventTypes: row.event_types, retryForSeconds: row.retry_for_seconds },
          version: BigInt(row.version),
        });
      }
    },
  });
}
