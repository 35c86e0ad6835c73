import type { MikroORM } from '@mikro-orm/core';
import type { Logger } from '../logging.ts';
import type { EventsOptions } from './events.options.ts';
import { PgliteNotifyBus } from './pglite-notify.bus.ts';
import { PostgresNotifyBus } from './postgres-notify.bus.ts';
import { RedisBus } from './redis.bus.ts';

/**
 * Wakes every gateway process when events were committed. A wake-up only says "read the log":
 * readers never take the notification for the event, so a lost one delays and never loses.
 */
export interface EventBus {
  readonly kind: 'postgres' | 'pglite' | 'redis' | 'poll';
  /**
   * True when the NOTIFY that gateway_event_publish sends in the producer's transaction reaches
   * every process on commit; otherwise the producer's process wakes itself after commit and
   * `announce`s.
   */
  readonly notifiesOnCommit: boolean;
  /** Tells the other processes that this one sequenced new events (for buses without NOTIFY). */
  announce(): void;
  start(onWake: () => void): Promise<void>;
  close(): Promise<void>;
}

class PollOnlyBus implements EventBus {
  readonly kind = 'poll';
  readonly notifiesOnCommit = false;
  announce(): void {}
  async start(): Promise<void> {}
  async close(): Promise<void> {}
}

export function createEventBus(orm: MikroORM, options: EventsOptions['eventBus'], log: Logger): EventBus {
  if (options.kind === 'poll') return new PollOnlyBus();
  if (options.redisUrl) return new RedisBus(options.redisUrl, options.redisChannel, log);
  const serverUrl = orm.config.get('clientUrl');
  if (serverUrl) return new PostgresNotifyBus(serverUrl, log);
  return new PgliteNotifyBus(orm);
}
