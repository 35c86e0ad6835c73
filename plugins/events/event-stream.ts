import type { EntityManager } from '@mikro-orm/core';
import { GraphQLError } from 'graphql';
import type { EventFilter, EventLog, LoggedEvent } from './event-log.ts';
import type { EventTail } from './event-tail.ts';
import { LiveQueue } from './live-queue.ts';

/** The last item of a stream that ends with an error the client must act on. */
export class StreamEnd {
  readonly error: GraphQLError;

  constructor(error: GraphQLError) {
    this.error = error;
  }
}

export type StreamItem = LoggedEvent | StreamEnd;

export interface EventStreamDeps {
  readonly log: EventLog;
  readonly tail: EventTail;
  readonly em: () => EntityManager;
  readonly pageSize: number;
  readonly bufferSize: number;
}

export function consumerTooSlow(cursor: bigint, bufferSize: number): GraphQLError {
  return new GraphQLError(
    `This subscriber fell more than ${bufferSize} events behind and was disconnected; subscribe again with after: "${cursor}" to continue without a gap`,
    { extensions: { code: 'EVENTS_CONSUMER_TOO_SLOW', resumeFrom: cursor.toString() } },
  );
}

/**
 * Every stored event after `after` that passes the filter, in position order, then live events:
 * no gap and no duplicate at the seam.
 *
 * The subscriber's live queue is registered with the tail before the first read of the log, so
 * each event is either pushed to the queue (it was read by the tail after registration) or was
 * already sequenced when the log was read. Live events at or below the last position delivered
 * are skipped. The catch-up ends only with a short page read after the queue last dropped
 * events, so nothing dropped while catching up is missed.
 */
export function openEventStream(
  deps: EventStreamDeps,
  after: bigint,
  filter: EventFilter,
): AsyncIterableIterator<StreamItem> {
  const queue = new LiveQueue(filter, deps.bufferSize);
  deps.tail.register(queue);

  async function* run(): AsyncGenerator<StreamItem> {
    let cursor = after;
    try {
      for (;;) {
        queue.takeDropped();
        const page = await deps.log.readAfter(deps.em(), cursor, deps.pageSize, filter);
        for (const event of page) {
          yield event;
          cursor = event.position;
        }
        if (page.length < deps.pageSize && !queue.takeDropped()) break;
      }
      queue.goLive();
      for (;;) {
        const next = await queue.take();
        if (next === 'closed') return;
        if (next === 'overflow') {
          yield new StreamEnd(consumerTooSlow(cursor, deps.bufferSize));
          return;
        }
        if (next.position <= cursor) continue;
        yield next;
        cursor = next.position;
      }
    } finally {
      queue.close();
      deps.tail.unregister(queue);
    }
  }

  const generator = run();
  // A generator waiting for a live event would see `return` only after the next event (and one
  // never started would not run its `finally`): stop the queue first, so the wait ends now.
  const stop = () => {
    queue.close();
    deps.tail.unregister(queue);
  };
  return {
    next: () => generator.next(),
    return: (value?: unknown) => {
      stop();
      return generator.return(value as StreamItem);
    },
    throw: (error?: unknown) => {
      stop();
      return generator.throw(error);
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
