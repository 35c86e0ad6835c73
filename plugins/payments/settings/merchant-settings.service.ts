import {
  type AuthenticatedContext,
  type ChangeFeed,
  canSeeMerchant,
  isUuid,
  type Logger,
  type MikroORM,
  type Money,
  NotFoundError,
  type OperatorContext,
  query,
  ValidationError,
} from '../../../core/plugin-api.ts';
import type { CaptureMethod } from '../payment-status.ts';
import { MerchantSettings, type SettingValues } from './merchant-settings.entity.ts';
import type { MerchantSettingsBoard } from './merchant-settings-board.ts';
import { MerchantSettingsChange } from './merchant-settings-change.entity.ts';
import { announceSettings, settingsFeed } from './settings-propagation.ts';

/** A change: a field left out stays as it is; null gives it back to the gateway's configuration. */
export interface SettingsChange {
  merchantId: string;
  stepUpAtOrAbove?: Money[] | null;
  defaultCaptureMethod?: CaptureMethod | null;
  authorizationHoldHours?: number | null;
  reason: string;
}

const MAX_REASON = 500;
const MAX_HOLD_HOURS = 30 * 24;
const MAX_CURRENCIES = 50;
const NONE: SettingValues = {
  stepUpAtOrAbove: null,
  defaultCaptureMethod: null,
  authorizationHoldHours: null,
};

/**
 * Merchants' payment settings: operators set them (audited, in the transaction that writes them),
 * merchants read their own, and every process applies a change as soon as it commits.
 */
export class MerchantSettingsService {
  readonly board: MerchantSettingsBoard;
  readonly #propagation: ChangeFeed;

  constructor(board: MerchantSettingsBoard, orm: MikroORM, log: Logger) {
    this.board = board;
    this.#propagation = settingsFeed(board, orm, log);
  }

  start(): Promise<void> {
    return this.#propagation.start();
  }

  close(): Promise<void> {
    return this.#propagation.close();
  }

  assertVisible(ctx: AuthenticatedContext, merchantId: string): void {
    if (!isUuid(merchantId) || !canSeeMerchant(ctx.principal, merchantId))
      throw new NotFoundError('Merchant', merchantId);
  }

  async set(ctx: OperatorContext, change: SettingsChange): Promise<string> {
    const reason = change.reason.trim();
    if (reason.length === 0 || reason.length > MAX_REASON)
      throw new ValidationError('reason', `reason must be 1 to ${MAX_REASON} characters`);
    const patch = validated(change);
    if (!isUuid(change.merchantId)) throw new NotFoundError('Merchant', change.merchantId);
    const state = await ctx.em.fork().transactional(async (tx) => {
      // Serializes changes per merchant, so "before" is exact and later changes get larger ids.
      const locked = await query(tx, 'select id from merchant where id = ? for no key update', [
        change.merchantId,
      ]);
      if (locked.length === 0) throw new NotFoundError('Merchant', change.merchantId);
      const row = await tx.findOne(MerchantSettings, { merchantId: change.merchantId });
      const before: SettingValues = row
        ? {
            stepUpAtOrAbove: row.stepUpAtOrAbove ?? null,
            defaultCaptureMethod: row.defaultCaptureMethod ?? null,
            authorizationHoldHours: row.authorizationHoldHours ?? null,
          }
        : NONE;
      const after: SettingValues = { ...before, ...patch };
      const audit = tx.create(MerchantSettingsChange, {
        merchantId: change.merchantId,
        before,
        after,
        reason,
        actorKeyId: ctx.principal.keyId,
        changedAt: new Date(),
      });
      await tx.flush();
      if (row) tx.assign(row, { ...after, version: audit.id });
      else tx.create(MerchantSettings, { merchantId: change.merchantId, ...after, version: audit.id });
      await tx.flush();
      const next = { merchantId: change.merchantId, values: after, version: audit.id };
      await announceSettings(tx, next);
      return next;
    });
    // This process at once; the others when the notice arrives.
    this.board.apply(state);
    return change.merchantId;
  }

  changes(
    ctx: AuthenticatedContext,
    merchantId: string,
    page: { limit: number; offset: number },
  ): Promise<MerchantSettingsChange[]> {
    if (!isUuid(merchantId) || !canSeeMerchant(ctx.principal, merchantId)) return Promise.resolve([]);
    return ctx.em.find(MerchantSettingsChange, { merchantId }, { orderBy: { id: 'desc' }, ...page });
  }
}

function validated(change: SettingsChange): Partial<SettingValues> {
  const patch: Partial<SettingValues> = {};
  if (change.stepUpAtOrAbove !== undefined) {
    if (change.stepUpAtOrAbove === null) patch.stepUpAtOrAbove = null;
    else {
      if (change.stepUpAtOrAbove.length > MAX_CURRENCIES)
        throw new ValidationError('stepUpAtOrAbove', `at most ${MAX_CURRENCIES} currencies`);
      const map: Record<string, string> = {};
      for (const threshold of change.stepUpAtOrAbove) {
        if (threshold.amount < 0n)
          throw new ValidationError('stepUpAtOrAbove', 'a threshold cannot be negative');
        if (map[threshold.currency] !== undefined)
          throw new ValidationError('stepUpAtOrAbove', `${threshold.currency} is given twice`);
        map[threshold.currency] = threshold.amount.toString();
      }
      patch.stepUpAtOrAbove = map;
    }
  }
  if (change.defaultCaptureMethod !== undefined) patch.defaultCaptureMethod = change.defaultCaptureMethod;
  if (change.authorizationHoldHours !== undefined) {
    const hours = change.authorizationHoldHours;
    if (hours !== null && (!Number.isInteger(hours) || hours < 1 || hours > MAX_HOLD_HOURS))
      throw new ValidationError(
        'authorizationHoldHours',
        `a whole number of hours from 1 to ${MAX_HOLD_HOURS}`,
      );
    patch.authorizationHoldHours = hours;
  }
  return patch;
}
