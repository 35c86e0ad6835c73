import type { EntityManager } from '@mikro-orm/core';
import {
  announceMerchantState,
  type ChangeFeed,
  type Logger,
  type MikroORM,
  merchantStateFeed,
  query,
} from '../../../core/plugin-api.ts';
import type { SettingValues } from './merchant-settings.entity.ts';
import type { MerchantSettingsBoard, SettingsState } from './merchant-settings-board.ts';

/** The channel a change is announced on; its payload is the new state as JSON. */
export const SETTINGS_CHANNEL = 'gateway_merchant_settings';

export function announceSettings(tx: EntityManager, state: SettingsState): Promise<void> {
  return announceMerchantState(tx, SETTINGS_CHANNEL, state);
}

/**
 * Keeps this process's settings board equal to the database (core/db/merchant-states.ts), as
 * plugin switches travel: a full load at start, every change as it commits anywhere, a full
 * reload after a reconnect and on an interval. The board keeps the newest version, so a reload
 * racing a notice cannot go back.
 */
export function settingsFeed(board: MerchantSettingsBoard, orm: MikroORM, log: Logger): ChangeFeed {
  return merchantStateFeed({
    orm,
    log,
    channel: SETTINGS_CHANNEL,
    name: 'merchant settings',
    board,
    load: async (em) => {
      const rows = await query<{
        merchant_id: string;
        step_up_at_or_above: Record<string, string> | null;
        default_capture_method: SettingValues['defaultCaptureMethod'];
        authorization_hold_hours: number | null;
        version: string;
      }>(
        em,
        `select merchant_id, step_up_at_or_above, default_capture_method, authorization_hold_hours,
          version::text as version from merchant_settings`,
      );
      return rows.map((row) => ({
        merchantId: row.merchant_id,
        values: {
          stepUpAtOrAbove: row.step_up_at_or_above,
          defaultCaptureMethod: row.default_capture_method,
          authorizationHoldHours: row.authorization_hold_hours,
        },
        version: BigInt(row.version),
      }));
    },
  });
}
