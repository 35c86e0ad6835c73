import type { Redis } from 'ioredis';
import type { Logger } from '../../core/plugin-api.ts';
import type { EventBus } from './event-bus.ts';

/**
 * Redis pub/sub between gateway processes. Redis knows nothing of our transactions, so the
 * process that sequenced new events announces them here after its pass. On every
 * (re)subscription the process wakes once, since messages sent while it was away are lost.
 */
export class RedisBus implements EventBus {
  readonly kind = 'redis';
  readonly #url: string;
  readonly #channel: string;
  readonly #log: Logger;
  #publisher: Redis | undefined;
  #subscriber: Redis | undefined;

  constructor(url: string, channel: string, log: Logger) {
    this.#url = url;
    this.#channel = channel;
    this.#log = log;
  }

  announce(): void {
    // Not started: no connection to announce on (a publish before it connects fails anyway).
    this.#publisher?.publish(this.#channel, '').catch((error: Error) => {
      this.#log.warn({ err: error }, 'could not announce events on redis; other processes will poll');
    });
  }

  async start(onWake: () => void): Promise<void> {
    // ioredis is loaded by the processes that use Redis only: for the others (PostgreSQL's
    // LISTEN/NOTIFY, the default) importing it allocated about 6 MB during boot and kept 1.5 MB
    // alive for nothing (issue 12: the boot's garbage and live heap set how far V8 grows the heap).
    const { Redis } = await import('ioredis');
    const options = { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false };
    const publisher = new Redis(this.#url, options);
    const subscriber = new Redis(this.#url, { ...options, enableOfflineQueue: true });
    this.#publisher = publisher;
    this.#subscriber = subscriber;
    for (const client of [publisher, subscriber]) {
      client.on('error', (error: Error) => this.#log.warn({ err: error }, 'redis event bus error'));
    }
    subscriber.on('message', (channel: string) => {
      if (channel === this.#channel) onWake();
    });
    // ioredis re-subscribes by itself after a reconnect; each time, read what may have been missed.
    subscriber.on('ready', () => onWake());
    await Promise.all([publisher.connect(), subscriber.connect()]);
    await subscriber.subscribe(this.#channel);
  }

  async close(): Promise<void> {
    this.#publisher?.disconnect();
    this.#subscriber?.disconnect();
  }
}
