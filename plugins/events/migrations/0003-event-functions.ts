import { Migration } from '@mikro-orm/migrations';

/** The PostgreSQL NOTIFY channel (per database, so no need to configure it). */
export const NOTIFY_CHANNEL = 'gateway_events';

/**
 * The outbox write, for TypeScript producers (`services.events.publish`) and database ones
 * (triggers) alike: the event row and a NOTIFY, both in the caller's transaction, so both
 * happen if and only if it commits. Its cursor position comes later, from the sequencer.
 * (Migration 0004 moves the NOTIFY to the sequencer pass.)
 */
const PUBLISH_FUNCTION = `create function gateway_event_publish(p_type text, p_merchant_id uuid, p_payload jsonb)
  returns uuid language plpgsql as $$
  declare
    v_id uuid := gen_random_uuid();
  begin
    insert into gateway_event (id, type, merchant_id, payload, created_at)
      values (v_id, p_type, p_merchant_id, p_payload, clock_timestamp());
    perform pg_notify('${NOTIFY_CHANNEL}', '');
    return v_id;
  end $$;`;

/** Whether an event type matches any of the patterns (`payment.captured`, `payment.*`, `*`); see event-types.ts. */
export const EVENT_TYPE_MATCHES_FUNCTION = `create function gateway_event_type_matches(p_type text, p_patterns text[])
  returns boolean language sql immutable parallel safe as $$
    select exists (select 1 from unnest(p_patterns) as pattern
      where pattern = '*' or pattern = p_type
         or (right(pattern, 2) = '.*' and starts_with(p_type, left(pattern, -1))))
  $$;`;

/**
 * Whether an endpoint wants an event: its owner may see the event's merchant (a merchant its
 * own events; a partner those of merchants that granted it, narrowed to one merchant if the
 * endpoint names it) and one of its patterns matches the type.
 */
const ENDPOINT_WANTS_FUNCTION = `create function webhook_endpoint_wants(p_partner_id uuid, p_endpoint_merchant_id uuid,
    p_patterns text[], p_event_merchant_id uuid, p_type text)
  returns boolean language sql stable as $$
    select (p_endpoint_merchant_id is null or p_endpoint_merchant_id = p_event_merchant_id)
       and (p_partner_id is null or exists (select 1 from partner_grant g
             where g.partner_id = p_partner_id and g.merchant_id = p_event_merchant_id))
       and gateway_event_type_matches(p_type, p_patterns)
  $$;`;

/**
 * One sequencer pass in one round trip: positions, in commit order, for up to p_limit committed
 * events that have none, plus their webhook deliveries; returns how many. The head row's lock
 * serializes passes across processes, and each statement after it takes a fresh snapshot (READ
 * COMMITTED), so a pass sees everything the previous one committed: positions become visible as
 * a gapless prefix. Endpoints get the events published after they were created.
 */
const SEQUENCE_FUNCTION = `create function gateway_event_sequence(p_limit integer)
  returns integer language plpgsql as $$
  declare
    v_head bigint;
    v_count integer;
  begin
    select position into v_head from event_log_head where id = 1 for update;
    with pending as (
      select id, row_number() over (order by insert_order) as n
      from gateway_event where position is null order by insert_order limit p_limit
    )
    update gateway_event e set position = v_head + pending.n from pending where e.id = pending.id;
    get diagnostics v_count = row_count;
    if v_count = 0 then
      return 0;
    end if;
    insert into webhook_delivery (id, endpoint_id, event_id, state, attempts, next_attempt_at, created_at)
    select gen_random_uuid(), w.id, e.id, 'pending', 0, clock_timestamp(), clock_timestamp()
    from gateway_event e
    join webhook_endpoint w on w.disabled_at is null and w.created_at <= e.created_at
      and webhook_endpoint_wants(w.partner_id, w.merchant_id, w.event_types, e.merchant_id, e.type)
    where e.position > v_head and e.position <= v_head + v_count
    order by e.position, w.id
    on conflict do nothing;
    update event_log_head set position = v_head + v_count where id = 1;
    return v_count;
  end $$;`;

export class Migration0003EventFunctions extends Migration {
  override async up(): Promise<void> {
    this.addSql(PUBLISH_FUNCTION);
    this.addSql(EVENT_TYPE_MATCHES_FUNCTION);
    this.addSql(ENDPOINT_WANTS_FUNCTION);
    this.addSql(SEQUENCE_FUNCTION);
  }
}
