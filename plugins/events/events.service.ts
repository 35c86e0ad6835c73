import type { EntityManager } from '@mikro-orm/core';
import { z } from 'zod';
import {
  BootError,
  type DeclaredEventType,
  isUuid,
  type Principal,
  type RequestContext,
  visibleMerchants,
} from '../../core/plugin-api.ts';
import type { EventFanOut } from './event-fan-out.ts';
import type { EventFilter, LoggedEvent } from './event-log.ts';
import { openEventStream, type StreamItem } from './event-stream.ts';
import { isEventType, isTypePattern, MAX_PATTERNS } from './event-types.ts';
import {
  cursorExpired,
  EventPublishError,
  invalidCursor,
  invalidTypes,
  merchantNotVisible,
} from './events.errors.ts';
import type { EventsOptions } from './events.options.ts';

const CURSOR = /^\d{1,19}$/;
const MAX_PAYLOAD_BYTES = 64 * 1024;
export const MAX_PAGE = 1000;

export interface EventToPublish {
  type: string;
  merchantId: string;
  payload: Record<string, unknown>;
}

/** Who reads: a request's context, or any holder of a principal (a job, a test). */
export type ReaderContext = Pick<RequestContext, 'principal'>;

export interface ReadArgs {
  after?: string | null;
  types?: readonly string[] | null;
  merchantIds?: readonly string[] | null;
}

function payloadJson(payload: Record<string, unknown>): string {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new EventPublishError('an event payload must be a JSON object');
  }
  const json = JSON.stringify(payload, (_key, value) =>
    typeof value === 'bigint' ? value.toString() : value,
  );
  if (Buffer.byteLength(json) > MAX_PAYLOAD_BYTES) {
    throw new EventPublishError(`an event payload may not exceed ${MAX_PAYLOAD_BYTES} bytes of JSON`);
  }
  return json;
}

/**
 * The event kernel's API. Producers call `publish` inside their own transaction (the outbox);
 * readers get the stored events after a cursor, then live ones.
 */
export class EventsService {
  readonly #fanOut: EventFanOut;
  readonly #options: EventsOptions;
  /** Every plugin's `eventTypes` (the plugin contract), read when asked: all are set up by then. */
  readonly #declared: () => readonly DeclaredEventType[];
  #types: Map<string, DeclaredEventType> | undefined;

  constructor(fanOut: EventFanOut, options: EventsOptions, declared: () => readonly DeclaredEventType[]) {
    this.#fanOut = fanOut;
    this.#options = options;
    this.#declared = declared;
  }

  /** The declared types, by name; a badly named one stops boot (checked in `onReady`). */
  #typeMap(): Map<string, DeclaredEventType> {
    if (this.#types) return this.#types;
    for (const { type, plugin } of this.#declared()) {
      if (!isEventType(type)) {
        throw new BootError({
          plugin,
          problem: `event type "${type}" is not an event type name`,
          fix: 'name it with dot-separated lower-case segments, e.g. payment.captured',
        });
      }
    }
    this.#types = new Map(this.#declared().map((d) => [d.type, d]));
    return this.#types;
  }

  eventTypes(): readonly DeclaredEventType[] {
    return [...this.#typeMap().values()].sort((a, b) => a.type.localeCompare(b.type));
  }

  /** Whether a plugin declared the type (emitting an undeclared one is a bug a test catches). */
  isDeclared(type: string): boolean {
    return this.#typeMap().has(type);
  }

  /** The declared types with their payloads as JSON Schema, for partners. */
  eventTypeInfo(): { type: string; description: string; payloadSchema: Record<string, unknown> | null }[] {
    return this.eventTypes().map(({ type, description, payload }) => ({
      type,
      description,
      payloadSchema: z.toJSONSchema(payload, { unrepresentable: 'any' }) as Record<string, unknown>,
    }));
  }

  /**
   * Writes the event in the caller's transaction: if it rolls back, the event never existed; if
   * it commits, subscribers and webhooks get it. Outside a transaction it is written at once.
   */
  async publish(em: EntityManager, event: EventToPublish): Promise<{ id: string }> {
    if (!isEventType(event.type)) {
      throw new EventPublishError(`"${event.type}" is not an event type name (e.g. payment.captured)`);
    }
    if (!isUuid(event.merchantId)) throw new EventPublishError('an event needs the merchant id (a UUID)');
    const json = payloadJson(event.payload);
    const declared = this.#typeMap().get(event.type)?.payload;
    if (declared) {
      const checked = declared.safeParse(JSON.parse(json));
      if (!checked.success) {
        throw new EventPublishError(
          `payload of ${event.type} does not match its schema: ${z.prettifyError(checked.error)}`,
        );
      }
    }
    const id = await this.#fanOut.log.insert(em, {
      type: event.type,
      merchantId: event.merchantId,
      payloadJson: json,
    });
    this.#fanOut.published(em);
    return { id };
  }

  /** Stored events after the cursor (absent: live only, from now), then live ones. */
  async stream(ctx: ReaderContext, args: ReadArgs): Promise<AsyncIterableIterator<StreamItem>> {
    const filter = this.#filter(ctx.principal, args);
    const em = this.#fanOut.em();
    const head = await this.#fanOut.log.head(em);
    const after = args.after == null ? head.position : this.#checkCursor(args.after, head);
    const { pageSize, bufferSize } = this.#options.subscriptions;
    return openEventStream(
      { log: this.#fanOut.log, tail: this.#fanOut.tail, em: () => this.#fanOut.em(), pageSize, bufferSize },
      after,
      filter,
    );
  }

  /** A page of stored events after the cursor (absent: from the oldest kept). */
  async list(
    ctx: ReaderContext,
    args: ReadArgs & { first: number },
  ): Promise<{ events: LoggedEvent[]; endCursor: string; hasMore: boolean }> {
    const filter = this.#filter(ctx.principal, args);
    const em = this.#fanOut.em();
    const head = await this.#fanOut.log.head(em);
    const after = args.after == null ? head.purgedThrough : this.#checkCursor(args.after, head);
    const first = Math.min(Math.max(args.first, 1), MAX_PAGE);
    const page = await this.#fanOut.log.readAfter(em, after, first + 1, filter);
    const events = page.slice(0, first);
    return {
      events,
      endCursor: (events.at(-1)?.position ?? after).toString(),
      hasMore: page.length > first,
    };
  }

  /** Resolves once every event committed before the call has been sequenced and handed to local subscribers. */
  sync(): Promise<void> {
    return this.#fanOut.sync();
  }

  /** Deletes events older than the retention period now (each process also does it periodically). */
  purgeExpired(): Promise<void> {
    return this.#fanOut.purgeNow();
  }

  #checkCursor(cursor: string, head: { position: bigint; purgedThrough: bigint }): bigint {
    if (!CURSOR.test(cursor)) throw invalidCursor(cursor, 'is not a cursor: pass the `cursor` of an event');
    const position = BigInt(cursor);
    if (position > head.position) throw invalidCursor(cursor, 'is ahead of this gateway’s event log');
    if (position < head.purgedThrough)
      throw cursorExpired(position, head.purgedThrough, this.#options.retentionDays);
    return position;
  }

  #filter(principal: Principal, args: ReadArgs): EventFilter {
    const visible = visibleMerchants(principal);
    let merchantIds = visible;
    if (args.merchantIds) {
      for (const id of args.merchantIds) {
        if (visible !== '*' && !visible.includes(id)) throw merchantNotVisible(id);
      }
      merchantIds = args.merchantIds;
    }
    if (args.types) {
      if (args.types.length > MAX_PATTERNS) throw invalidTypes(`at most ${MAX_PATTERNS} type patterns`);
      const bad = args.types.find((pattern) => !isTypePattern(pattern));
      if (bad !== undefined) {
        throw invalidTypes(`"${bad}" is not an event type or pattern (e.g. payment.captured, payment.*)`);
      }
    }
    return { merchantIds, types: args.types ?? undefined };
  }
}
