import { type Logger, PgListener } from '../../core/plugin-api.ts';
import type { EventBus } from './event-bus.ts';
import { NOTIFY_CHANNEL } from './migrations/0003-event-functions.ts';

/**
 * PostgreSQL LISTEN/NOTIFY: the sequencer pass that numbers new events sends one NOTIFY
 * (gateway_event_sequence_pass, migrations 0004 and 0008), delivered to every listening process when the pass
 * commits. After every (re)connect the process wakes once, since notifications sent while it
 * was away are lost.
 */
export class PostgresNotifyBus implements EventBus {
  readonly kind = 'postgres';
  readonly #url: string;
  readonly #log: Logger;
  #listener: PgListener | undefined;

  constructor(url: string, log: Logger) {
    this.#url = url;
    this.#log = log;
  }

  announce(): void {}

  async start(onWake: () => void): Promise<void> {
    this.#listener = new PgListener({
      url: this.#url,
      channel: NOTIFY_CHANNEL,
      log: this.#log,
      name: 'event listener',
      onNotice: onWake,
      onConnect: onWake,
    });
    await this.#listener.start();
  }

  async close(): Promise<void> {
    await this.#listener?.close();
  }
}
