import { Migration } from '@mikro-orm/migrations';

/**
 * An attempt is written once, with its decision. `fraud_record_attempt` (0001) inserted the
 * attempt before it was decided, and FraudDecider then updated it with the decision, score,
 * reasons, rules and features: a second version of the row, never a HOT update (`decision` is in
 * the held-payments index's predicate, and a full page leaves no room), so the table got a dead
 * tuple and each of its eight indexes a second entry per attempt, and vacuum had both to clean.
 *
 * `fraud_attempt_windows` replaces it: the same keys' advisory locks, in the same order, and the
 * same aggregates of every stored attempt sharing a key over each window, with the attempt itself
 * counted as a row of its own (one `values` row per key it has) instead of read back from the
 * table; it inserts nothing. FraudDecider decides in the gateway and inserts the attempt, its
 * decision included, in the same transaction, with `recorded_at` as its time. The locks are
 * held until that commit, so an attempt sharing a key still waits for the earlier one's row and
 * counts it; an attempt is still never stored without its decision.
 */
const DROP_RECORD = 'drop function fraud_record_attempt(jsonb);';

const WINDOWS = `create function fraud_attempt_windows(p jsonb)
  returns table (category text, cash_equivalent boolean, kind text, win text, n bigint, total text, same_amount bigint, customers bigint,
    devices bigint, recipients bigint, cash bigint, customer_since timestamptz, rules_version bigint,
    recorded_at timestamptz)
  language plpgsql as $$
declare
  v_key text;
  v_customer uuid := (p ->> 'customerId')::uuid;
  v_device text := p ->> 'device';
  v_ip text := p ->> 'ip';
  v_instrument text := p ->> 'instrument';
  v_recipient text := p ->> 'recipient';
  v_amount bigint := (p ->> 'amount')::bigint;
  v_currency text := p ->> 'currency';
  v_category text := coalesce(p ->> 'category', (select f.category from fraud_merchant_profile f
    where f.merchant_id = (p ->> 'merchantId')::uuid), 'other');
  v_cash boolean := v_category in (select jsonb_array_elements_text(p -> 'cashCategories'));
  v_now timestamptz;
begin
  for v_key in select distinct k from unnest(array['c' || v_customer, 'd' || v_device, 'i' || v_ip,
      'n' || v_instrument, 'r' || v_recipient]) k where k is not null order by k loop
    perform pg_advisory_xact_lock(hashtextextended('fraud:' || v_key, 0));
  end loop;
  -- After the locks: an earlier attempt sharing a key has committed, and this clock is not behind it.
  v_now := clock_timestamp();
  return query
  with hits as (
    select 'customer' as kind, h.customer_id, h.device_index, h.recipient_index, h.amount, h.currency,
      h.cash_equivalent, h.created_at from fraud_attempt h
      where h.customer_id = v_customer and h.created_at > v_now - interval '7 days'
    union all select 'device', h.customer_id, h.device_index, h.recipient_index, h.amount, h.currency,
      h.cash_equivalent, h.created_at from fraud_attempt h
      where v_device is not null and h.device_index = v_device and h.created_at > v_now - interval '7 days'
    union all select 'ip', h.customer_id, h.device_index, h.recipient_index, h.amount, h.currency,
      h.cash_equivalent, h.created_at from fraud_attempt h
      where v_ip is not null and h.ip_index = v_ip and h.created_at > v_now - interval '7 days'
    union all select 'instrument', h.customer_id, h.device_index, h.recipient_index, h.amount, h.currency,
      h.cash_equivalent, h.created_at from fraud_attempt h
      where h.instrument_index = v_instrument and h.created_at > v_now - interval '7 days'
    union all select 'recipient', h.customer_id, h.device_index, h.recipient_index, h.amount, h.currency,
      h.cash_equivalent, h.created_at from fraud_attempt h
      where v_recipient is not null and h.recipient_index = v_recipient and h.created_at > v_now - interval '7 days'
    -- The attempt itself, not stored yet: one row for each key it has, in every window.
    union all select me.kind, v_customer, v_device, v_recipient, v_amount, v_currency, v_cash, v_now
      from (values ('customer', v_customer::text), ('device', v_device), ('ip', v_ip),
        ('instrument', v_instrument), ('recipient', v_recipient)) me (kind, key)
      where me.key is not null
  ), windows (win, since) as (values ('10m', v_now - interval '10 minutes'), ('1h', v_now - interval '1 hour'),
      ('24h', v_now - interval '24 hours'), ('7d', v_now - interval '7 days'))
  select v_category, v_cash, h.kind, w.win, count(*), coalesce(sum(h.amount) filter (where h.currency = v_currency), 0)::text,
    count(*) filter (where h.amount = v_amount and h.currency = v_currency),
    count(distinct h.customer_id), count(distinct h.device_index), count(distinct h.recipient_index),
    count(*) filter (where h.cash_equivalent),
    (select c.created_at from customer c where c.id = v_customer),
    (select count(*) from fraud_rule_version), v_now
  from hits h join windows w on h.created_at > w.since
  group by h.kind, w.win;
end $$;`;

export class Migration0004AttemptWrittenOnce extends Migration {
  override async up(): Promise<void> {
    this.addSql(DROP_RECORD);
    this.addSql(WINDOWS);
  }
}
