import type { EntityManager } from '@mikro-orm/core';
import { announceChange, ChangeFeed, type Logger, type MikroORM, query } from '../../../core/plugin-api.ts';
import type { SettingValues } from './merchant-settings.entity.ts';
import type { MerchantSettingsBoard, SettingsState } from './merchant-settings-board.ts';

/** The channel a change is announced on; its payload is the new state as JSON. */
export const SETTINGS_CHANNEL = 'gateway_merchant_settings';

/**
 * A safety net, not the way changes travel: a full reload every minute bounds how long a process
 * can be wrong after a lost notice. One small row per merchant an operator configured, so cheap.
 */
const RELOAD_INTERVAL_MS = 60_000;

/** Sends the new state inside `tx`: every process hears it when `tx` commits, never if it rolls back. */
export async function announceSettings(tx: EntityManager, state: SettingsState): Promise<void> {
  await announceChange(tx, SETTINGS_CHANNEL, JSON.stringify({ ...state, version: state.version.toString() }));
}

function stateOf(payload: string): SettingsState | undefined {
  try {
    const { merchantId, values, version } = JSON.parse(payload);
    if (typeof merchantId !== 'string' || typeof values !== 'object' || values === null) return undefined;
    return { merchantId, values: values as SettingValues, version: BigInt(version) };
  } catch {
    return undefined;
  }
}

/**
 * Keeps this process's settings board equal to the database through the kernel's change feed
 * (core/db/change-feed.ts), as plugin switches travel: a full load at start, then every change as
 * it commits anywhere, a full reload after a reconnect and on an interval. The board keeps the
 * newest version, so a reload racing a notice cannot go back.
 */
export class SettingsPropagation {
  readonly #feed: ChangeFeed;

  constructor(board: MerchantSettingsBoard, orm: MikroORM, log: Logger) {
    this.#feed = new ChangeFeed({
      orm,
      log,
      channel: SETTINGS_CHANNEL,
      name: 'merchant settings',
      intervalMs: RELOAD_INTERVAL_MS,
      apply: (payload) => {
        const state = stateOf(payload);
        if (state) board.apply(state);
        return state !== undefined;
      },
      catchUp: async () => {
        const rows = await query<{
          merchant_id: string;
          step_up_at_or_above: Record<string, string> | null;
          default_capture_method: SettingValues['defaultCaptureMethod'];
          authorization_hold_hours: number | null;
          version: string;
        }>(
          orm.em.fork(),
          `select merchant_id, step_up_at_or_above, default_capture_method, authorization_hold_hours,
            version::text as version from merchant_settings`,
        );
        for (const row of rows) {
          board.apply({
            merchantId: row.merchant_id,
            values: {
              stepUpAtOrAbove: row.step_up_at_or_above,
              defaultCaptureMethod: row.default_capture_method,
              authorizationHoldHours: row.authorization_hold_hours,
            },
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
