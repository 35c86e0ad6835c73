import type { EventFilter, LoggedEvent } from './event-log.ts';
import { typeMatches } from './event-types.ts';

export type Taken = LoggedEvent | 'overflow' | 'closed';

/**
 * One subscriber's bounded buffer of live events. While the subscriber still catches up from
 * the log, an overflow just empties the buffer and flags it (the log has those events); once
 * live, an overflow ends the subscription: the consumer is too slow to keep up.
 */
export class LiveQueue {
  readonly #filter: EventFilter;
  readonly #capacity: number;
  #items: LoggedEvent[] = [];
  #waiter: ((value: Taken) => void) | undefined;
  #live = false;
  #overflowed = false;
  #closed = false;
  #dropped = false;

  constructor(filter: EventFilter, capacity: number) {
    this.#filter = filter;
    this.#capacity = capacity;
  }

  accepts(event: LoggedEvent): boolean {
    const { merchantIds, types } = this.#filter;
    if (merchantIds !== '*' && !merchantIds.includes(event.merchantId)) return false;
    return !types || typeMatches(event.type, types);
  }

  push(event: LoggedEvent): void {
    if (this.#closed || this.#overflowed || !this.accepts(event)) return;
    if (this.#waiter) {
      const waiter = this.#waiter;
      this.#waiter = undefined;
      waiter(event);
      return;
    }
    if (this.#items.length < this.#capacity) {
      this.#items.push(event);
      return;
    }
    if (!this.#live) {
      this.#items = [];
      this.#dropped = true;
      return;
    }
    this.#overflowed = true;
    this.#items = [];
  }

  /** Whether events were dropped since the last call (the caller must read the log again). */
  takeDropped(): boolean {
    const dropped = this.#dropped;
    this.#dropped = false;
    return dropped;
  }

  goLive(): void {
    this.#live = true;
  }

  take(): Promise<Taken> {
    if (this.#closed) return Promise.resolve('closed');
    const next = this.#items.shift();
    if (next) return Promise.resolve(next);
    if (this.#overflowed) return Promise.resolve('overflow');
    return new Promise((resolve) => {
      this.#waiter = resolve;
    });
  }

  close(): void {
    this.#closed = true;
    this.#items = [];
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.('closed');
  }
}
