import type { EntityManager, MikroORM } from '@mikro-orm/core';
import type { Logger } from '../logging.ts';
import { announceChange, ChangeFeed } from './change-feed.ts';

/**
 * Per-merchant values an operator sets and every process reads from memory (merchant settings,
 * webhook defaults): each change carries a version (its audit row's id), the board keeps the
 * newest per merchant, and the change feed carries them across processes.
 */
export interface MerchantState<V> {
  readonly merchantId: string;
  readonly values: V;
  readonly version: bigint;
}

/** The newest values per merchant: a state older than what is held (a late notice, a reload) is ignored. */
export class MerchantStateBoard<V> {
  readonly #merchants = new Map<string, { values: V; version: bigint }>();

  apply(state: MerchantState<V>): void {
    const known = this.#merchants.get(state.merchantId);
    if (known && known.version >= state.version) return;
    this.#merchants.set(state.merchantId, { values: state.values, version: state.version });
  }

  /** The merchant's own values, or undefined when no operator set any. */
  own(merchantId: string): V | undefined {
    return this.#merchants.get(merchantId)?.values;
  }
}

/** Sends the new state inside `tx`: every process hears it when `tx` commits, never if it rolls back. */
export async function announceMerchantState<V>(
  tx: EntityManager,
  channel: string,
  state: MerchantState<V>,
): Promise<void> {
  await announceChange(tx, channel, JSON.stringify({ ...state, version: state.version.toString() }));
}

function stateOf<V>(payload: string): MerchantState<V> | undefined {
  try {
    const { merchantId, values, version } = JSON.parse(payload);
    if (typeof merchantId !== 'string' || typeof values !== 'object' || values === null) return undefined;
    return { merchantId, values: values as V, version: BigInt(version) };
  } catch {
    return undefined;
  }
}

/** A safety net, not the way changes travel: a full reload every minute bounds a lost notice. */
const RELOAD_INTERVAL_MS = 60_000;

/**
 * Keeps `board` equal to the database in this process: a full load at start (`load`, one small
 * row per merchant an operator configured), every change as it commits anywhere, a full reload
 * after a reconnect and on an interval (core/db/change-feed.ts).
 */
export function merchantStateFeed<V>(options: {
  orm: MikroORM;
  log: Logger;
  channel: string;
  name: string;
  board: MerchantStateBoard<V>;
  load(em: EntityManager): Promise<MerchantState<V>[]>;
}): ChangeFeed {
  const { orm, log, channel, name, board, load } = options;
  return new ChangeFeed({
    orm,
    log,
    channel,
    name,
    intervalMs: RELOAD_INTERVAL_MS,
    apply: (payload) => {
      const state = stateOf<V>(payload);
      if (state) board.apply(state);
      return state !== undefined;
    },
    catchUp: async () => {
      for (const state of await load(orm.em.fork())) board.apply(state);
    },
  });
}
