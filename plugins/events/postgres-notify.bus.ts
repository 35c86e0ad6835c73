import pg from 'pg';
import type { Logger } from '../../core/plugin-api.ts';
import type { EventBus } from './event-bus.ts';
import { NOTIFY_CHANNEL } from './migrations/0003-event-functions.ts';

const MAX_RECONNECT_DELAY_MS = 5000;

/**
 * PostgreSQL LISTEN/NOTIFY: the sequencer pass that numbers new events sends one NOTIFY
 * (gateway_event_sequence, migration 0004), delivered to every listening process when the pass
 * commits. One dedicated connection per process listens; after a (re)connect the process wakes
 * once, since notifications sent while it was away are lost.
 */
export class PostgresNotifyBus implements EventBus {
  readonly kind = 'postgres';
  readonly #url: string;
  readonly #log: Logger;
  #client: pg.Client | undefined;
  #closed = false;
  #onWake: () => void = () => {};

  constructor(url: string, log: Logger) {
    this.#url = url;
    this.#log = log;
  }

  announce(): void {}

  async start(onWake: () => void): Promise<void> {
    this.#onWake = onWake;
    await this.#connect();
  }

  async #connect(attempt = 0): Promise<void> {
    if (this.#closed) return;
    const client = new pg.Client({ connectionString: this.#url });
    client.on('notification', () => this.#onWake());
    client.on('error', (error) => {
      this.#log.warn({ err: error }, 'event listener connection failed; reconnecting');
      void client.end().catch(() => {});
    });
    client.on('end', () => {
      if (this.#client === client) this.#client = undefined;
      if (!this.#closed) this.#reconnectLater(0);
    });
    try {
      await client.connect();
      await client.query(`listen ${NOTIFY_CHANNEL}`);
    } catch (error) {
      client.removeAllListeners('end');
      await client.end().catch(() => {});
      if (attempt === 0) this.#log.warn({ err: error }, 'event listener cannot connect; retrying');
      this.#reconnectLater(attempt + 1);
      return;
    }
    if (this.#closed) {
      await client.end().catch(() => {});
      return;
    }
    this.#client = client;
    this.#onWake();
  }

  #reconnectLater(attempt: number): void {
    const delay = Math.min(MAX_RECONNECT_DELAY_MS, 100 * 2 ** attempt);
    setTimeout(() => void this.#connect(attempt), delay).unref();
  }

  async close(): Promise<void> {
    this.#closed = true;
    const client = this.#client;
    this.#client = undefined;
    if (client) {
      client.removeAllListeners('end');
      await client.end().catch(() => {});
    }
  }
}
