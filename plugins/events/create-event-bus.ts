import type { MikroORM } from '@mikro-orm/core';
import type { Logger } from '../../core/plugin-api.ts';
import type { EventBus } from './event-bus.ts';
import type { EventsOptions } from './events.options.ts';
import { PostgresNotifyBus } from './postgres-notify.bus.ts';
import { RedisBus } from './redis.bus.ts';

/**
 * No notifications between processes: the embedded database admits one process, whose own
 * commits and probe wake it; `poll` (e.g. behind a transaction-pooling proxy) leaves the
 * other processes to the periodic read.
 */
class ProcessLocalBus implements EventBus {
  readonly kind: 'pglite' | 'poll';
  constructor(kind: 'pglite' | 'poll') {
    this.kind = kind;
  }
  announce(): void {}
  async start(): Promise<void> {}
  async close(): Promise<void> {}
}

export function createEventBus(orm: MikroORM, options: EventsOptions['eventBus'], log: Logger): EventBus {
  if (options.kind === 'poll') return new ProcessLocalBus('poll');
  if (options.redisUrl) return new RedisBus(options.redisUrl, options.redisChannel, log);
  const serverUrl = orm.config.get('clientUrl');
  if (serverUrl) return new PostgresNotifyBus(serverUrl, log);
  return new ProcessLocalBus('pglite');
}
