import type { EntityManager, MikroORM } from '@mikro-orm/core';
import type { Logger } from '../logging.ts';
import { PgListener } from './pg-listener.ts';
import { query } from './sql.ts';

/** Sends `payload` on `channel` inside `tx`: every process's feed hears it when `tx` commits. */
export async function announceChange(tx: EntityManager, channel: string, payload: string): Promise<void> {
  await query(tx, 'select pg_notify(?, ?)', [channel, payload]);
}

export interface ChangeFeedOptions {
  readonly orm: MikroORM;
  readonly log: Logger;
  /** The NOTIFY channel a change is announced on (`announceChange`). */
  readonly channel: string;
  /** Names the feed in log lines, e.g. "plugin switch". */
  readonly name: string;
  /** How often `catchUp` runs anyway: the bound on how long a process can be wrong. */
  readonly intervalMs: number;
  /** Applies one notice; false when the payload cannot be read (then `catchUp` runs). */
  apply(payload: string): boolean;
  /** Brings this process's copy up to date with the database. */
  catchUp(): Promise<void>;
}

/**
 * Keeps something one process holds (plugin switches, open credentials, cached consent) equal
 * to the database across every gateway process: PostgreSQL LISTEN/NOTIFY as changes commit, a
 * catch-up at start (after LISTEN, so a change committed in between is caught up, notified, or
 * both), after the listener reconnects (notices sent meanwhile are lost), after an unreadable
 * notice, and on an interval, the safety net for a notice lost without the listener noticing. On
 * the embedded database there is one process: the writer applies its own change after commit,
 * and the interval catches changes made behind its back.
 */
export class ChangeFeed {
  readonly #options: ChangeFeedOptions;
  #listener: PgListener | undefined;
  #timer: NodeJS.Timeout | undefined;
  #failing = false;

  constructor(options: ChangeFeedOptions) {
    this.#options = options;
  }

  async start(): Promise<void> {
    const { orm, channel, log, name, intervalMs } = this.#options;
    const url = orm.config.get('clientUrl');
    let started = false;
    if (url) {
      this.#listener = new PgListener({
        url,
        channel,
        log,
        name: `${name} listener`,
        onNotice: (payload) => this.#notice(payload),
        // A connect made while starting is followed by the catch-up below. Any later one (a
        // reconnect, or a first connect that only succeeded on a retry) may have missed changes.
        onConnect: () => {
          if (started) void this.catchUpLogged();
        },
      });
      await this.#listener.start();
      started = true;
    }
    this.#timer = setInterval(() => void this.catchUpLogged(), intervalMs).unref();
    await this.#options.catchUp();
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.#listener?.close();
  }

  /** `catchUp`, logging a failure once per outage instead of throwing: the next run retries. */
  async catchUpLogged(): Promise<void> {
    try {
      await this.#options.catchUp();
      this.#failing = false;
    } catch (error) {
      if (!this.#failing)
        this.#options.log.warn({ err: error }, `${this.#options.name} catch-up failed; retrying`);
      this.#failing = true;
    }
  }

  #notice(payload: string): void {
    if (this.#options.apply(payload)) return;
    this.#options.log.warn(
      { payload: payload.slice(0, 200) },
      `unreadable ${this.#options.name} notice; catching up`,
    );
    void this.catchUpLogged();
  }
}
