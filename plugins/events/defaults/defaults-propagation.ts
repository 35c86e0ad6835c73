import type { EntityManager } from '@mikro-orm/core';
import {
  announceMerchantState,
  type ChangeFeed,
  type Logger,
  type MikroORM,
  merchantStateFeed,
  query,
} from '../../../core/plugin-api.ts';
import type { DefaultsState, WebhookDefaultsBoard } from './webhook-defaults-board.ts';

/** The channel a change is announced on; its payload is the new state as JSON. */
export const DEFAULTS_CHANNEL = 'gateway_webhook_defaults';

export function announceDefaults(tx: EntityManager, state: DefaultsState): Promise<void> {
  return announceMerchantState(tx, DEFAULTS_CHANNEL, state);
}

/** Keeps this process's board equal to the database, as merchant settings travel (core/db/merchant-states.ts). */
export function defaultsFeed(board: WebhookDefaultsBoard, orm: MikroORM, log: Logger): ChangeFeed {
  return merchantStateFeed({
    orm,
    log,
    channel: DEFAULTS_CHANNEL,
    name: 'webhook defaults',
    board,
    load: async (em) => {
      const rows = await query<{
        merchant_id: string;
        event_types: string[] | null;
        retry_for_seconds: number | null;
        version: string;
      }>(
        em,
        'select merchant_id, event_types, retry_for_seconds, version::text as version from webhook_defaults',
      );
      return rows.map((row) => ({
        merchantId: row.merchant_id,
        values: { eventTypes: row.event_types, retryForSeconds: row.retry_for_seconds },
        version: BigInt(row.version),
      }));
    },
  });
}
