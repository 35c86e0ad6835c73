import type { EntityManager } from '@mikro-orm/core';
import type { EventLog } from './event-log.ts';
import type { LiveQueue } from './live-queue.ts';

/**
 * The one reader of new events per process: after each wake-up it reads the log past its head,
 * in position order, and hands each event to every live subscriber's queue. Subscribers
 * therefore cost no query per event; only catching up reads the log per subscriber.
 */
export class EventTail {
  readonly #log: EventLog;
  readonly #pageSize: number;
  readonly #queues = new Set<LiveQueue>();
  #head = 0n;

  constructor(log: EventLog, pageSize: number) {
    this.#log = log;
    this.#pageSize = pageSize;
  }

  get head(): bigint {
    return this.#head;
  }

  async start(em: EntityManager): Promise<void> {
    this.#head = (await this.#log.head(em)).position;
  }

  register(queue: LiveQueue): void {
    this.#queues.add(queue);
  }

  unregister(queue: LiveQueue): void {
    this.#queues.delete(queue);
  }

  get subscriberCount(): number {
    return this.#queues.size;
  }

  /**
   * Reads everything sequenced past the head and pushes it out. Never runs concurrently with
   * itself. `known` is the log's head as the caller's sequencer pass just left it.
   */
  async read(em: EntityManager, known: bigint): Promise<void> {
    if (this.#queues.size === 0) {
      // Nobody to hand events to: move the head without reading them. A subscriber that comes
      // later catches up from the log itself, up to at least this head, before it listens here.
      if (known > this.#head) this.#head = known;
      return;
    }
    for (;;) {
      const events = await this.#log.readAfter(em, this.#head, this.#pageSize);
      for (const event of events) {
        this.#head = event.position;
        for (const queue of this.#queues) queue.push(event);
      }
      if (events.length < this.#pageSize) return;
    }
  }

  close(): void {
    for (const queue of this.#queues) queue.close();
    this.#queues.clear();
  }
}
