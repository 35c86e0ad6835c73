import {
  type AuthenticatedContext,
  type ChangeFeed,
  canSeeMerchant,
  isUuid,
  type Logger,
  type MikroORM,
  NotFoundError,
  type OperatorContext,
  query,
  ValidationError,
} from '../../../core/plugin-api.ts';
import { checkedTypePatterns } from '../event-types.ts';
import { announceDefaults, defaultsFeed } from './defaults-propagation.ts';
import { WebhookDefaults, type WebhookDefaultValues } from './webhook-defaults.entity.ts';
import type { WebhookDefaultsBoard } from './webhook-defaults-board.ts';
import { WebhookDefaultsChange } from './webhook-defaults-change.entity.ts';

/** A change: a field left out stays as it is; null gives it back to the plugin's configuration. */
export interface DefaultsChange {
  merchantId: string;
  eventTypes?: readonly string[] | null;
  retryForSeconds?: number | null;
  reason: string;
}

const MAX_REASON = 500;
/** One second: a merchant may prefer replays (`replayWebhookEvents`) to retries. */
const MIN_RETRY_FOR_SECONDS = 1;
const NONE: WebhookDefaultValues = { eventTypes: null, retryForSeconds: null };

/**
 * Merchants' webhook defaults: operators set them (audited, in the transaction that writes them),
 * merchants read their own, and every process applies a change as soon as it commits. The same
 * lifecycle as the payments plugin's merchant settings, owned here.
 */
export class WebhookDefaultsService {
  readonly board: WebhookDefaultsBoard;
  readonly #maxRetryForSeconds: number;
  readonly #feed: ChangeFeed;

  /** `maxRetryForMs`: the plugin's `webhooks.retryForMs`, the longest window a merchant may get. */
  constructor(board: WebhookDefaultsBoard, maxRetryForMs: number, orm: MikroORM, log: Logger) {
    this.board = board;
    this.#maxRetryForSeconds = Math.floor(maxRetryForMs / 1000);
    this.#feed = defaultsFeed(board, orm, log);
  }

  start(): Promise<void> {
    return this.#feed.start();
  }

  close(): Promise<void> {
    return this.#feed.close();
  }

  async set(ctx: OperatorContext, change: DefaultsChange): Promise<string> {
    const reason = change.reason.trim();
    if (reason.length === 0 || reason.length > MAX_REASON)
      throw new ValidationError('reason', `reason must be 1 to ${MAX_REASON} characters`);
    const patch = this.#validated(change);
    if (!isUuid(change.merchantId)) throw new NotFoundError('Merchant', change.merchantId);
    const state = await ctx.em.fork().transactional(async (tx) => {
      // Serializes changes per merchant, so "before" is exact and later changes get larger ids.
      const locked = await query(tx, 'select id from merchant where id = ? for no key update', [
        change.merchantId,
      ]);
      if (locked.length === 0) throw new NotFoundError('Merchant', change.merchantId);
      const row = await tx.findOne(WebhookDefaults, { merchantId: change.merchantId });
      const before: WebhookDefaultValues = row
        ? { eventTypes: row.eventTypes ?? null, retryForSeconds: row.retryForSeconds ?? null }
        : NONE;
      const after: WebhookDefaultValues = { ...before, ...patch };
      const audit = tx.create(WebhookDefaultsChange, {
        merchantId: change.merchantId,
        before,
        after,
        reason,
        actorKeyId: ctx.principal.keyId,
        changedAt: new Date(),
      });
      await tx.flush();
      if (row) tx.assign(row, { ...after, version: audit.id });
      else tx.create(WebhookDefaults, { merchantId: change.merchantId, ...after, version: audit.id });
      await tx.flush();
      const next = { merchantId: change.merchantId, values: after, version: audit.id };
      await announceDefaults(tx, next);
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
  ): Promise<WebhookDefaultsChange[]> {
    if (!isUuid(merchantId) || !canSeeMerchant(ctx.principal, merchantId)) return Promise.resolve([]);
    return ctx.em.find(WebhookDefaultsChange, { merchantId }, { orderBy: { id: 'desc' }, ...page });
  }

  #validated(change: DefaultsChange): Partial<WebhookDefaultValues> {
    const patch: Partial<WebhookDefaultValues> = {};
    if (change.eventTypes !== undefined) {
      patch.eventTypes = change.eventTypes === null ? null : checkedTypePatterns(change.eventTypes);
    }
    if (change.retryForSeconds !== undefined) {
      const seconds = change.retryForSeconds;
      const max = this.#maxRetryForSeconds;
      if (
        seconds !== null &&
        (!Number.isInteger(seconds) || seconds < MIN_RETRY_FOR_SECONDS || seconds > max)
      )
        throw new ValidationError(
          'retryForSeconds',
          `a whole number of seconds from ${MIN_RETRY_FOR_SECONDS} to ${max} (the configured maximum)`,
        );
      patch.retryForSeconds = seconds;
    }
    return patch;
  }
}
