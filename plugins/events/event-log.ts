import type { EntityManager } from '@mikro-orm/core';
import { query } from '../../core/plugin-api.ts';

/** An event as read from the log: sequenced, so it has its cursor position. */
export interface LoggedEvent {
  readonly id: string;
  readonly position: bigint;
  readonly type: string;
  readonly merchantId: string;
  readonly payload: Record<string, unknown>;
  readonly createdAt: Date;
}

/** Which events a reader may and wants to see. */
export interface EventFilter {
  /** `'*'`: every merchant (operators). */
  readonly merchantIds: '*' | readonly string[];
  /** Type patterns (see event-types.ts); absent: every type. */
  readonly types?: readonly string[];
}

export interface LogHead {
  /** The last position handed out. */
  readonly position: bigint;
  /** Positions up to here may have been purged. */
  readonly purgedThrough: bigint;
}

/** What one sequencer pass did. */
export interface SequencePass {
  readonly sequenced: number;
  /** The last position handed out when the pass ended. */
  readonly head: bigint;
  /** Webhook deliveries it made for the events it sequenced. */
  readonly deliveries: number;
}

interface EventRow {
  id: string;
  cursor: string;
  type: string;
  merchant_id: string;
  payload: Record<string, unknown>;
  created_at: Date | string;
}

// `cursor`, not `position`: an output column named `position` would make ORDER BY sort the text.
const COLUMNS = 'id, position::text as cursor, type, merchant_id, payload, created_at';

function toEvent(row: EventRow): LoggedEvent {
  return {
    id: row.id,
    position: BigInt(row.cursor),
    type: row.type,
    merchantId: row.merchant_id,
    payload: typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload,
    createdAt: new Date(row.created_at),
  };
}

/**
 * The outbox event log in SQL. Producers insert unsequenced rows in their own transaction; after
 * they commit, `sequence` hands out positions in commit order under the lock of the one
 * `event_log_head` row, so positions become visible as a gapless prefix: a reader that has read
 * up to N will never find a newly visible event at or below N. (See README.md here.)
 */
export class EventLog {
  /**
   * Writes the event and its NOTIFY in the caller's transaction (or on their own, if the caller
   * has none) through gateway_event_publish, the same function database triggers call.
   */
  async insert(
    em: EntityManager,
    event: { type: string; merchantId: string; payloadJson: string },
  ): Promise<string> {
    const [row] = await query<{ id: string }>(
      em,
      'select gateway_event_publish(?, ?::uuid, ?::jsonb) as id',
      [event.type, event.merchantId, event.payloadJson],
    );
    return row!.id;
  }

  /**
   * One sequencer pass (gateway_event_sequence_pass, migration 0008): positions for up to
   * `limit` committed, unsequenced events, and their webhook deliveries, in one round trip.
   * Answers how many it sequenced, the head it leaves, and how many deliveries it made.
   */
  async sequence(em: EntityManager, limit: number): Promise<SequencePass> {
    const [row] = await query<{ sequenced: number; head: string; deliveries: number }>(
      em,
      'select sequenced, head::text as head, deliveries from gateway_event_sequence_pass(?)',
      [limit],
    );
    return {
      sequenced: Number(row!.sequenced),
      head: BigInt(row!.head),
      deliveries: Number(row!.deliveries),
    };
  }

  async head(em: EntityManager): Promise<LogHead> {
    const [row] = await query<{ position: string; purged_through: string }>(
      em,
      'select position::text as position, purged_through::text as purged_through from event_log_head where id = 1',
    );
    return { position: BigInt(row!.position), purgedThrough: BigInt(row!.purged_through) };
  }

  /** Sequenced events after `after`, in order, that pass the filter. */
  async readAfter(
    em: EntityManager,
    after: bigint,
    limit: number,
    filter?: EventFilter,
  ): Promise<LoggedEvent[]> {
    const where = ['position > ?::bigint'];
    const params: unknown[] = [after.toString()];
    if (filter && filter.merchantIds !== '*') {
      if (filter.merchantIds.length === 0) return [];
      where.push('merchant_id = any(array[?]::uuid[])');
      params.push(filter.merchantIds);
    }
    if (filter?.types) {
      if (filter.types.length === 0) return [];
      where.push('gateway_event_type_matches(type, array[?]::text[])');
      params.push(filter.types);
    }
    const rows = await query<EventRow>(
      em,
      `select ${COLUMNS} from gateway_event where ${where.join(' and ')} order by position limit ?`,
      [...params, limit],
    );
    return rows.map(toEvent);
  }

  async findById(em: EntityManager, id: string): Promise<LoggedEvent | undefined> {
    const [row] = await query<EventRow>(
      em,
      `select ${COLUMNS} from gateway_event where id = ? and position is not null`,
      [id],
    );
    return row ? toEvent(row) : undefined;
  }

  /** Deletes up to `limit` sequenced events created before `before`; returns how many. */
  purge(em: EntityManager, before: Date, limit: number): Promise<number> {
    return em.transactional(async (tx) => {
      const deleted = await query<{ position: string }>(
        tx,
        `delete from gateway_event where id in (
           select id from gateway_event where created_at < ? and position is not null order by position limit ?)
         returning position::text as position`,
        [before, limit],
      );
      if (deleted.length === 0) return 0;
      const highest = deleted.reduce(
        (max, row) => (BigInt(row.position) > max ? BigInt(row.position) : max),
        0n,
      );
      await query(
        tx,
        'update event_log_head set purged_through = greatest(purged_through, ?::bigint) where id = 1',
        [highest.toString()],
      );
      return deleted.length;
    });
  }
}
