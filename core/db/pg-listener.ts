import pg from 'pg';
import type { Logger } from '../logging.ts';

const MAX_RECONNECT_DELAY_MS = 5000;

export interface PgListenerOptions {
  /** A PostgreSQL server's URL (the embedded database has no other process to hear from). */
  readonly url: string;
  readonly channel: string;
  readonly log: Logger;
  /** Names the listener in its log lines, e.g. "event listener". */
  readonly name: string;
  onNotice(payload: string): void;
  /**
   * After every connect. Notifications sent while the connection was down are lost, so the
   * caller catches up here (`first` tells the first connect from a reconnect).
   */
  onConnect(first: boolean): void;
}

/**
 * One dedicated connection per process that LISTENs on a channel: a NOTIFY sent inside a
 * transaction reaches every listening process when it commits. It reconnects by itself with a
 * capped backoff, so a database restart costs a catch-up, never a lost wake-up.
 */
export class PgListener {
  readonly #options: PgListenerOptions;
  #client: pg.Client | undefined;
  #connected = false;
  #closed = false;

  constructor(options: PgListenerOptions) {
    this.#options = options;
  }

  /** Resolves after the first attempt; a failed one keeps retrying in the background. */
  start(): Promise<void> {
    return this.#connect(0);
  }

  async #connect(attempt: number): Promise<void> {
    if (this.#closed) return;
    const { url, channel, log, name } = this.#options;
    const client = new pg.Client({ connectionString: url });
    client.on('notification', ({ payload }) => this.#options.onNotice(payload ?? ''));
    client.on('error', (error) => {
      log.warn({ err: error }, `${name} connection failed; reconnecting`);
      void client.end().catch(() => {});
    });
    client.on('end', () => {
      if (this.#client === client) this.#client = undefined;
      if (!this.#closed) this.#reconnectLater(0);
    });
    try {
      await client.connect();
      await client.query(`listen ${channel}`);
    } catch (error) {
      client.removeAllListeners('end');
      await client.end().catch(() => {});
      if (attempt === 0) log.warn({ err: error }, `${name} cannot connect; retrying`);
      this.#reconnectLater(attempt + 1);
      return;
    }
    if (this.#closed) {
      await client.end().catch(() => {});
      return;
    }
    this.#client = client;
    const first = !this.#connected;
    this.#connected = true;
    this.#options.onConnect(first);
  }

  #reconnectLater(attempt: number): void {
    const delay = Math.min(MAX_RECONNECT_DELAY_MS, 100 * 2 ** attempt);
    setTimeout(() => void this.#connect(attempt), delay).unref();
  }

  async close(): Promise<void> {
    this.#closed = true;
    const client = this.#client;
    this.#client = undefined;
    client?.removeAllListeners('end');
    await client?.end().catch(() => {});
  }
}
