import pg from 'pg';
import type { Logger } from '../logging.ts';

/** The channel a change is announced on; its payload is a `SwitchNotice` as JSON. */
export const SWITCH_CHANNEL = 'gateway_plugin_switch';

const MAX_RECONNECT_DELAY_MS = 5000;

/**
 * One dedicated PostgreSQL connection per process that LISTENs for switch changes. A NOTIFY sent
 * inside the changing transaction is delivered when it commits, to every listening process.
 * Notifications sent while the connection was down are lost, so every reconnect (not the first
 * connect, after which the caller loads) calls `onReconnect` for a full reload.
 */
export class SwitchListener {
  readonly #url: string;
  readonly #log: Logger;
  readonly #onNotice: (payload: string) => void;
  readonly #onReconnect: () => void;
  #client: pg.Client | undefined;
  #closed = false;

  constructor(options: {
    url: string;
    log: Logger;
    onNotice: (payload: string) => void;
    onReconnect: () => void;
  }) {
    this.#url = options.url;
    this.#log = options.log;
    this.#onNotice = options.onNotice;
    this.#onReconnect = options.onReconnect;
  }

  /** Resolves after the first attempt; a failed one keeps retrying in the background. */
  start(): Promise<void> {
    return this.#connect(0, true);
  }

  async #connect(attempt: number, initial = false): Promise<void> {
    if (this.#closed) return;
    const client = new pg.Client({ connectionString: this.#url });
    client.on('notification', ({ payload }) => this.#onNotice(payload ?? ''));
    client.on('error', (error) => {
      this.#log.warn({ err: error }, 'plugin switch listener failed; reconnecting');
      void client.end().catch(() => {});
    });
    client.on('end', () => {
      if (this.#client === client) this.#client = undefined;
      if (!this.#closed) this.#reconnectLater(0);
    });
    try {
      await client.connect();
      await client.query(`listen ${SWITCH_CHANNEL}`);
    } catch (error) {
      client.removeAllListeners('end');
      await client.end().catch(() => {});
      if (attempt === 0) this.#log.warn({ err: error }, 'plugin switch listener cannot connect; retrying');
      this.#reconnectLater(attempt + 1);
      return;
    }
    if (this.#closed) {
      await client.end().catch(() => {});
      return;
    }
    this.#client = client;
    if (!initial) this.#onReconnect();
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
