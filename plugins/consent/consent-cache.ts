import type { EntityManager } from '@mikro-orm/core';
import { ChangeFeed, type Logger, type MikroORM } from '../../core/plugin-api.ts';

/** The channel a consent change is announced on; the payload is `{ merchantId, subjectId }`. */
export const CONSENT_CHANNEL = 'gateway_consent_changed';

/**
 * Not how changes travel (notices do): the bound on how long a lost notice can leave a process
 * wrong. A catch-up empties the cache, which refills from the receipts as subjects are asked about.
 */
const CATCH_UP_INTERVAL_MS = 30_000;

/**
 * Bounds the memory a process spends on the cache (an entry is a few hundred bytes). Reaching it
 * starts over empty: simpler than LRU bookkeeping on the hot path, and the refill is one query per
 * subject asked about.
 */
const MAX_ENTRIES = 100_000;

interface Entry {
  readonly subjectId: string | null;
  readonly allowed: ReadonlySet<string>;
}

export type AllowedLoader = (
  em: EntityManager,
  subject: {
    merchantId: string;
    customerRef: string;
  },
) => Promise<{ subjectId: string | null; allowed: ReadonlySet<string> }>;

/**
 * What each subject allows, per process, so `allows` costs a map lookup. An entry is dropped when
 * its subject's consent changes in any process (the kernel's change feed); a subject that had no
 * receipt yet has no subject id to be named by, so a change for any subject of its merchant drops
 * it. A load that overlaps a drop is not kept: it may have read the state from before the change.
 */
export class ConsentCache {
  readonly #entries = new Map<string, Entry>();
  /** Keys of entries by subject id, or by `merchant:<id>` for subjects without one yet. */
  readonly #keysBy = new Map<string, Set<string>>();
  readonly #feed: ChangeFeed;
  readonly #orm: MikroORM;
  readonly #load: AllowedLoader;
  #epoch = 0;

  constructor(orm: MikroORM, log: Logger, load: AllowedLoader) {
    this.#orm = orm;
    this.#load = load;
    this.#feed = new ChangeFeed({
      orm,
      log,
      channel: CONSENT_CHANNEL,
      name: 'consent change',
      intervalMs: CATCH_UP_INTERVAL_MS,
      apply: (payload) => {
        const change = changeOf(payload);
        if (change) this.forget(change);
        return change !== undefined;
      },
      catchUp: async () => this.#clear(),
    });
  }

  start(): Promise<void> {
    return this.#feed.start();
  }

  close(): Promise<void> {
    return this.#feed.close();
  }

  /**
   * `em` is the caller's. In a transaction, a miss is read through it and not kept: another
   * connection could wait for what the transaction holds (embedded PGlite has only one, so it would
   * wait forever), and what the transaction reads may still roll back.
   */
  async allows(
    em: EntityManager,
    subject: { merchantId: string; customerRef: string },
    purpose: string,
  ): Promise<boolean> {
    const key = `${subject.merchantId}\n${subject.customerRef}`;
    const hit = this.#entries.get(key);
    if (hit) return hit.allowed.has(purpose);
    if (em.isInTransaction()) return (await this.#load(em, subject)).allowed.has(purpose);
    const epoch = this.#epoch;
    const loaded = await this.#load(this.#orm.em.fork(), subject);
    if (epoch === this.#epoch) this.#remember(key, subject.merchantId, loaded);
    return loaded.allowed.has(purpose);
  }

  /** Drops what is known of a subject (and of its merchant's subjects without an id yet). */
  forget(change: { merchantId: string; subjectId: string }): void {
    this.#epoch += 1;
    for (const index of [change.subjectId, `merchant:${change.merchantId}`]) {
      for (const key of this.#keysBy.get(index) ?? []) this.#entries.delete(key);
      this.#keysBy.delete(index);
    }
  }

  #clear(): void {
    this.#epoch += 1;
    this.#entries.clear();
    this.#keysBy.clear();
  }

  #remember(key: string, merchantId: string, entry: Entry): void {
    if (this.#entries.size >= MAX_ENTRIES) this.#clear();
    this.#entries.set(key, entry);
    const index = entry.subjectId ?? `merchant:${merchantId}`;
    const keys = this.#keysBy.get(index) ?? new Set<string>();
    keys.add(key);
    this.#keysBy.set(index, keys);
  }
}

export function changeNotice(change: { merchantId: string; subjectId: string }): string {
  return JSON.stringify({ merchantId: change.merchantId, subjectId: change.subjectId });
}

function changeOf(payload: string): { merchantId: string; subjectId: string } | undefined {
  try {
    const { merchantId, subjectId } = JSON.parse(payload);
    return typeof merchantId === 'string' && typeof subjectId === 'string'
      ? { merchantId, subjectId }
      : undefined;
  } catch {
    return undefined;
  }
}
