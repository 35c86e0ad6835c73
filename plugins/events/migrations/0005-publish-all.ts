import { Migration } from '@mikro-orm/migrations';

/**
 * Publishes many events with one insert, for producers that write many rows in one statement
 * (a batch of wallet payments): per row, the function calls and the insert statement cost more
 * than the row itself. The ids come from the caller. PL/pgSQL, which keeps its plans (a SQL
 * function's body would be planned on every call). `gateway_event_publish` is now this with
 * one event, so the event row has one writer.
 */
const PUBLISH_ALL_FUNCTION = `create function gateway_event_publish_all(p_ids uuid[], p_types text[], p_merchant_ids uuid[],
    p_payloads jsonb[])
  returns void language plpgsql as $$
  begin
    insert into gateway_event (id, type, merchant_id, payload, created_at)
      select e.id, e.type, e.merchant_id, e.payload, clock_timestamp()
      from unnest(p_ids, p_types, p_merchant_ids, p_payloads) as e(id, type, merchant_id, payload);
  end $$;`;

const PUBLISH_FUNCTION = `create or replace function gateway_event_publish(p_type text, p_merchant_id uuid, p_payload jsonb)
  returns uuid language plpgsql as $$
  declare
    v_id uuid := gen_random_uuid();
  begin
    perform gateway_event_publish_all(array[v_id], array[p_type], array[p_merchant_id], array[p_payload]);
    return v_id;
  end $$;`;

export class Migration0005PublishAll extends Migration {
  override async up(): Promise<void> {
    this.addSql(PUBLISH_ALL_FUNCTION);
    this.addSql(PUBLISH_FUNCTION);
  }
}
