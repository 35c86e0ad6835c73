import { Migration } from '@mikro-orm/migrations';
import { NOTIFY_CHANNEL } from './0003-event-functions.ts';

/**
 * A sequencer pass answers what its process did next with two more round trips. After each
 * pass that sequenced (about one per wallet batch under load) the fan-out read the log's head
 * (`event_log_head`, for the tail when no one subscribes) and woke the webhook dispatcher, which
 * ran its claim query even when the pass had made no delivery (no endpoint wants the events):
 * counted in `npm run bench`, three statements per batch where one does the work
 * (BENCHMARKS.md). `gateway_event_sequence_pass` is 0004's pass, and answers how many events it
 * sequenced, the head it leaves (read without a lock when there was nothing to do), and how
 * many deliveries it made; the dispatcher is woken only for those (its timer still polls for
 * retries). The old function goes: only the fan-out called it.
 */
const PASS_FUNCTION = `create function gateway_event_sequence_pass(p_limit integer)
  returns table (sequenced integer, head bigint, deliveries integer) language plpgsql as $$
  declare
    v_head bigint;
    v_count integer;
    v_deliveries integer;
  begin
    if not exists (select 1 from gateway_event where position is null) then
      return query select 0, h.position, 0 from event_log_head h where h.id = 1;
      return;
    end if;
    select position into v_head from event_log_head where id = 1 for update;
    with pending as (
      select id, row_number() over (order by insert_order) as n
      from gateway_event where position is null order by insert_order limit p_limit
    )
    update gateway_event e set position = v_head + pending.n from pending where e.id = pending.id;
    get diagnostics v_count = row_count;
    if v_count = 0 then
      return query select 0, v_head, 0;
      return;
    end if;
    insert into webhook_delivery (id, endpoint_id, event_id, state, attempts, next_attempt_at, created_at)
    select gen_random_uuid(), w.id, e.id, 'pending', 0, clock_timestamp(), clock_timestamp()
    from gateway_event e
    join webhook_endpoint w on w.disabled_at is null and w.created_at <= e.created_at
      and webhook_endpoint_wants(w.partner_id, w.merchant_id, w.event_types, e.merchant_id, e.type)
    where e.position > v_head and e.position <= v_head + v_count
    order by e.position, w.id
    on conflict do nothing;
    get diagnostics v_deliveries = row_count;
    update event_log_head set position = v_head + v_count where id = 1;
    perform pg_notify('${NOTIFY_CHANNEL}', '');
    return query select v_count, v_head + v_count, v_deliveries;
  end $$;`;

export class Migration0008SequencePassAnswers extends Migration {
  override async up(): Promise<void> {
    this.addSql(PASS_FUNCTION);
    this.addSql('drop function gateway_event_sequence(integer);');
  }
}
