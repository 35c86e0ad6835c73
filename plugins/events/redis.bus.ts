import { Redis } from 'ioredis';
import type { Logger } from '../../core/plugin-api.ts';
import type { EventBus } from './event-bus.ts';

/**
 * Redis pub/sub between gateway processes. Redis knows nothing of our transactions, so the
 * process that sequenced new events announces them here after its pass. On every
 * (re)subscription the process wakes once, since messages sent while it was away are lost.
 */
export class RedisBus implements EventBus {
  readonly kind = 'redis';
  readonly #channel: string;
  readonly #log: Logger;
  readonly #publisher: Redis;
  readonly #subscriber: Redis;

  constructor(url: string, channel: string, log: Logger) {
    this.#channel = channel;
    this.#log = log;
    const options = { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false };
    this.#publisher = new Redis(url, options);
    this.#subscriber = new Redis(url, { ...options, enableOfflineQueue: true });
    for (const client of [this.#publisher, this.#subscriber]) {
      client.on('error', (error: Error) => this.#log.warn({ err: error }, 'redis event bus error'));
    }
  }

  announce(): void {
    this.#publisher.publish(this.#channel, '').catch((error: Error) => {
      this.#log.warn({ err: error }, 'could not announce events on redis; other processes will poll');
    });
  }

  async start(onWake: () => void): Promise<void> {
    this.#subscriber.on('message', (channel: string) => {
      if (channel === this.#channel) onWake();
    });
    // ioredis re-subscribes by itself after a reconnect; each time, read what may have been missed.
    this.#subscriber.on('ready', () => onWake());
    await Promise.all([this.#publisher.connect(), this.#subscriber.connect()]);
    await this.#subscriber.subscribe(this.#channel);
  }

  async close(): Promise<void> {
    this.#publisher.disconnect();
    this.#subscriber.disconnect();
  }
}
