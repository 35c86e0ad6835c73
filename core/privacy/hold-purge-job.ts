import type { MikroORM } from '@mikro-orm/core';
import type { Logger } from '../logging.ts';
import type { PurgeReport, SubjectHolds } from './subject-holds.ts';

const BATCH = 1000;

/**
 * Purges what retention holds kept once each hold ends (SubjectHolds.purgeDue), on a timer in
 * every gateway process, like the payments janitor: each batch is its own transaction and claims
 * its rows with `for update skip locked`, so processes share the work without waiting on or
 * repeating each other, and a process killed mid-batch leaves that batch undone for the next.
 * Holds end on dates years away: an hourly pass purges within the hour.
 */
export class HoldPurgeJob {
  readonly #holds: SubjectHolds;
  readonly #runtime: { orm: MikroORM; log: Logger };
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<PurgeReport> | undefined;

  constructor(holds: SubjectHolds, runtime: { orm: MikroORM; log: Logger }) {
    this.#holds = holds;
    this.#runtime = runtime;
  }

  start(intervalSeconds: number): void {
    if (intervalSeconds <= 0) return;
    this.#timer = setInterval(() => {
      this.run().catch((error: unknown) => this.#runtime.log.error({ err: error }, 'hold purge failed'));
    }, intervalSeconds * 1000);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#running?.catch(() => {});
  }

  /**
   * Purges everything due at `now` (the database's clock when omitted: tests pass a later date
   * to stand years ahead). Concurrent calls in one process share a pass.
   */
  run(now?: Date): Promise<PurgeReport> {
    if (now) return this.#pass(now);
    this.#running ??= this.#pass(null).finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async #pass(now: Date | null): Promise<PurgeReport> {
    const total = { records: 0, holds: 0, keys: 0 };
    for (;;) {
      const batch = await this.#runtime.orm.em
        .fork()
        .transactional((tx) => this.#holds.purgeDue(tx, now, BATCH));
      total.records += batch.records;
      total.holds += batch.holds;
      total.keys += batch.keys;
      if (batch.records < BATCH && batch.holds < BATCH && batch.keys < BATCH) break;
    }
    if (total.records + total.holds + total.keys > 0) {
      this.#runtime.log.info(total, 'retention holds purged');
    }
    return total;
  }
}
