import { Migration } from '@mikro-orm/migrations';

/**
 * The fraud plugin's tables: one row per payment attempt with its risk context and its decision
 * (the velocity features are computed from these rows, in PostgreSQL, so every gateway process
 * sees the same counts), the merchant's category, and the rules, one row per version.
 *
 * `fraud_record_attempt` is the hot path's one round trip: it locks the attempt's keys
 * (customer, device, IP, instrument, recipient; transaction-scoped advisory locks, taken in
 * order so that two attempts cannot wait on each other), inserts the attempt, and answers the
 * aggregates of every attempt sharing one of its keys over each window, itself included. An
 * attempt that shares a key with one in flight waits for it to commit, so that concurrent
 * attempts never both see the same count (an attempt's own row is its count's last unit).
 */
const ATTEMPT = `create table fraud_attempt (
  id uuid primary key,
  payment_id uuid not null,
  merchant_id uuid not null,
  customer_id uuid not null,
  method text not null,
  amount bigint not null,
  currency text not null,
  category text not null,
  cash_equivalent boolean not null,
  device_index text null,
  ip_index text null,
  instrument_index text null,
  recipient_index text null,
  recipient_sealed text null,
  decision text null,
  score smallint null,
  reasons jsonb null,
  matched_rules jsonb null,
  features jsonb null,
  created_at timestamptz not null,
  decided_at timestamptz null
);`;

// One index per key the windows look up; the payment's own for Payment.fraudDecision.
const INDEXES = [
  'create index fraud_attempt_customer_index on fraud_attempt (customer_id, created_at);',
  'create index fraud_attempt_device_index on fraud_attempt (device_index, created_at) where device_index is not null;',
  'create index fraud_attempt_ip_index on fraud_attempt (ip_index, created_at) where ip_index is not null;',
  'create index fraud_attempt_instrument_index on fraud_attempt (instrument_index, created_at) where instrument_index is not null;',
  'create index fraud_attempt_recipient_index on fraud_attempt (recipient_index, created_at) where recipient_index is not null;',
  'create index fraud_attempt_payment_index on fraud_attempt (payment_id);',
  'create index fraud_attempt_merchant_index on fraud_attempt (merchant_id, created_at);',
];

const PROFILE = `create table fraud_merchant_profile (
  merchant_id uuid primary key,
  category text not null,
  updated_at timestamptz not null
);`;

const RULE = `create table fraud_rule_version (
  id uuid not null,
  version integer not null,
  merchant_id uuid null,
  name text not null,
  action text not null,
  expression text not null,
  reason text not null,
  score smallint not null,
  enabled boolean not null,
  created_at timestamptz not null,
  created_by text not null,
  primary key (id, version)
);`;

const RECORD = `create function fraud_record_attempt(p jsonb)
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
  insert into fraud_attempt (id, payment_id, merchant_id, customer_id, method, amount, currency, category,
      cash_equivalent, device_index, ip_index, instrument_index, recipient_index, recipient_sealed, created_at)
    values ((p ->> 'id')::uuid, (p ->> 'paymentId')::uuid, (p ->> 'merchantId')::uuid, v_customer, p ->> 'method',
      v_amount, v_currency, v_category, v_cash, v_device, v_ip, v_instrument,
      v_recipient, p ->> 'recipientSealed', v_now);
  return query
  with hits as (
    select 'customer' as kind, h.* from fraud_attempt h
      where h.customer_id = v_customer and h.created_at > v_now - interval '7 days'
    union all select 'device', h.* from fraud_attempt h
      where v_device is not null and h.device_index = v_device and h.created_at > v_now - interval '7 days'
    union all select 'ip', h.* from fraud_attempt h
      where v_ip is not null and h.ip_index = v_ip and h.created_at > v_now - interval '7 days'
    union all select 'instrument', h.* from fraud_attempt h
      where h.instrument_index = v_instrument and h.created_at > v_now - interval '7 days'
    union all select 'recipient', h.* from fraud_attempt h
      where v_recipient is not null and h.recipient_index = v_recipient and h.created_at > v_now - interval '7 days'
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

export class Migration0001FraudTables extends Migration {
  override async up(): Promise<void> {
    this.addSql(ATTEMPT);
    for (const index of INDEXES) this.addSql(index);
    this.addSql(PROFILE);
    this.addSql(RULE);
    this.addSql(RECORD);
  }
}
