import type { MikroORM } from '@mikro-orm/core';
import type { PgliteConnection } from '@mikro-orm/pglite';
import type { EventBus } from './event-bus.ts';
import { NOTIFY_CHANNEL } from './migrations/0003-event-functions.ts';

/**
 * The embedded database lives in this process: PGlite delivers NOTIFY to its in-process
 * listeners on commit (and never for a rolled-back transaction), exactly as a server would.
 */
export class PgliteNotifyBus implements EventBus {
  readonly kind = 'pglite';
  readonly notifiesOnCommit = true;
  readonly #orm: MikroORM;
  #unlisten: (() => Promise<void>) | undefined;

  constructor(orm: MikroORM) {
    this.#orm = orm;
  }

  announce(): void {}

  async start(onWake: () => void): Promise<void> {
    const connection = this.#orm.em.getConnection() as unknown as PgliteConnection;
    const pglite = await connection.getNativeClient();
    this.#unlisten = await pglite.listen(NOTIFY_CHANNEL, () => onWake());
  }

  async close(): Promise<void> {
    await this.#unlisten?.().catch(() => {});
    this.#unlisten = undefined;
  }
}
