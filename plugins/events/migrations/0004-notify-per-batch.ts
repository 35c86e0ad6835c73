import { Migration } from '@mikro-orm/migrations';
import { NOTIFY_CHANNEL } from './0003-event-functions.ts';

/**
 * Moves the NOTIFY out of the producers' transactions. A transaction that notifies takes
 * PostgreSQL's global notify lock at commit and holds it through its WAL flush, so every
 * payment that notified committed one at a time (no group commit): measured in BENCHMARKS.md.
 * Now publishing is a plain insert, and the sequencer pass notifies once for its whole batch.
 * Producers' processes wake their own pump (event-fan-out.ts): after a commit that published
 * through TypeScript, and on a short probe for events written by database triggers.
 */
const PUBLISH_FUNCTION = `create or replace function gateway_event_publish(p_type text, p_merchant_id uuid, p_payload jsonb)
  returns uuid language plpgsql as $$
  declare
    v_id uuid := gen_random_uuid();
  begin
    insert into gateway_event (id, type, merchant_id, payload, created_at)
      values (v_id, p_type, p_merchant_id, p_payload, clock_timestamp());
    return v_id;
  end $$;`;

/**
 * As in 0003, plus: a read-only look for unsequenced events before taking the head row's lock,
 * so a pass with nothing to do writes nothing (no transaction id, no WAL flush) and the probe
 * stays cheap; and one NOTIFY for the batch, delivered to every process when the pass commits.
 */
const SEQUENCE_FUNCTION = `create or replace function gateway_event_sequence(p_limit integer)
  returns integer language plpgsql as $$
  declare
    v_head bigint;
    v_count integer;
  begin
    if not exists (select 1 from gateway_event where position is null) then
      return 0;
    end if;
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
    perform pg_notify('${NOTIFY_CHANNEL}', '');
    return v_count;
  end $$;`;

export class Migration0004NotifyPerBatch extends Migration {
  override async up(): Promise<void> {
    this.addSql(PUBLISH_FUNCTION);
    this.addSql(SEQUENCE_FUNCTION);
  }
}
