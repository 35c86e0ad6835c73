import { Migration } from '@mikro-orm/migrations';

/**
 * The batch of wallet payments (0007), written as sets: per payment, each statement and each
 * function call cost more than the rows it writes. One insert claims every key; one update
 * debits every source stripe that covers all its payments of the batch; the payees are
 * credited once per stripe; one statement writes the journal entries and their lines, one the
 * payments, whose events a statement-level trigger publishes with one insert.
 *
 * Each payment is still its own. A stripe that cannot cover all its payments of the batch
 * takes them one at a time in item order, as before, and refuses those it cannot cover. A key
 * used twice in one batch sends the second item to the general path (`busy`), which replays
 * the first once this commits. The rules against waiting in a cycle are 0007's: stripes are
 * locked first, in order, and keys are claimed in (scope, key) order.
 */
const BATCH_ITEM = `create type payments_batch_item as (n integer, payment_id uuid, merchant uuid, customer uuid,
  method text, source uuid, amount bigint, currency text, description text, metadata jsonb, idem_scope text,
  idem_key text, idem_operation text, idem_hash text, valid boolean, customer_ok boolean, source_currency text,
  source_shard smallint, payee uuid, payee_shard smallint);`;

/**
 * 0007's lookups, plus a new payment id per item and whether the item can be paid at all. The
 * hot path's functions are PL/pgSQL, which keeps its plans: PostgreSQL plans the body of a SQL
 * function it cannot inline on every call, and that doubled the cost of a one-payment batch.
 */
const BATCH_ITEMS = `create function payments_batch_items(p_items jsonb) returns setof payments_batch_item
  language plpgsql as $$
begin
  return query select i.n, gen_random_uuid(), i.merchant, i.customer, i.method, i.source, i.amount, i.currency,
    i.description, i.metadata, i."idemScope", i."idemKey", i."idemOperation", i."idemHash",
    c.found is not null and s.currency is not distinct from i.currency,
    c.found is not null, s.currency::text, ledger_shard(s.shards), p.id, ledger_shard(p.shards)
  from jsonb_to_recordset(p_items) as i(n integer, merchant uuid, customer uuid, method text, "accountKind" text,
    source uuid, amount bigint, currency text, description text, metadata jsonb, "idemScope" text, "idemKey" text,
    "idemOperation" text, "idemHash" text)
  -- Lateral lookups with a limit: the planner cannot tell a batch holds a handful of items, and
  -- would otherwise hash-join them against whole tables.
  left join lateral (select true as found from customer c
    where c.id = i.customer and c.merchant_id = i.merchant limit 1) c on true
  left join lateral (select s.currency, s.shards from ledger_account s
    where s.id = i.source and s.kind = i."accountKind" and s.customer_id = i.customer and s.merchant_id = i.merchant
    limit 1) s on true
  left join lateral (select p.id, p.shards from ledger_account p
    where p.key = 'merchant_payable/' || i.merchant || '/' || i.currency limit 1) p on true;
end $$;`;

const PAY_FROM_ACCOUNTS = `create function payments_pay_from_accounts(p_items jsonb,
    p_idem_ttl_seconds double precision, p_payee_stripes smallint)
  returns table (n integer, outcome text, detail text, payment_id uuid, created_ms bigint)
  language plpgsql as $$
declare
  v_now timestamptz := date_trunc('milliseconds', now());
  v_created_ms bigint := (extract(epoch from v_now) * 1000)::bigint;
  v_items payments_batch_item[] := array(select s from payments_batch_items(p_items) s);
  v_claimed uuid[];
  v_go payments_batch_item[];
  v_covered_accounts uuid[];
  v_covered_shards smallint[];
  v_refused uuid[] := '{}';
  v_paid payments_batch_item[];
  r payments_batch_item;
  v_available bigint;
begin
  if exists (select 1 from unnest(v_items) s where s.valid and s.payee is null) then
    -- A merchant's first payment in a currency opens its payable account.
    perform ledger_open_account('merchant_payable/' || b.merchant || '/' || b.currency, 'merchant_payable',
        b.currency, 'credit', true, p_payee_stripes, b.merchant, null)
      from (select distinct s.merchant, s.currency from unnest(v_items) s where s.valid and s.payee is null) b;
    v_items := array(select s from payments_batch_items(p_items) s);
  end if;
  if exists (select 1 from unnest(v_items) s where s.valid and s.amount <= 0) then
    raise exception 'a transfer moves a positive amount between two accounts' using errcode = 'GW901';
  end if;

  return query select s.n,
      case when not s.customer_ok then 'no_customer' when s.source_currency is null then 'no_source'
        else 'wrong_currency' end,
      case when s.customer_ok then s.source_currency end, null::uuid, null::bigint
    from unnest(v_items) s where not s.valid;

  perform 1 from ledger_balance b
    join (select distinct k.account, k.shard from unnest(v_items) s
            cross join lateral (values (s.source, s.source_shard), (s.payee, s.payee_shard)) k(account, shard)
            where s.valid) k
      on b.account_id = k.account and b.shard = k.shard
    order by b.account_id, b.shard
    for update of b;

  -- Written as completed at once: nobody sees a claim before this statement commits, and then
  -- the payment it names exists. A concurrent request with the key waits here until then.
  with claimed as (
    insert into idempotency_record (scope, key, operation, request_hash, status, result, locked_until, created_at,
        expires_at)
      select s.idem_scope, s.idem_key, s.idem_operation, s.idem_hash, 'completed',
          jsonb_build_object('type', 'Payment', 'id', s.payment_id), v_now, v_now,
          v_now + make_interval(secs => p_idem_ttl_seconds)
        from unnest(v_items) s where s.valid and s.idem_key is not null
        order by s.idem_scope, s.idem_key, s.n
      on conflict (scope, key) do nothing
      returning (result ->> 'id')::uuid as payment_id)
  select coalesce(array_agg(c.payment_id), '{}') into v_claimed from claimed c;

  -- A key already there: its payment is replayed, unless it expired, belongs to another request,
  -- is in flight, was claimed by this batch or is gone; the general path knows what to do then.
  return query select s.n,
      case when x.scope is null or x.expires_at <= now() or x.request_hash <> s.idem_hash
          or x.status <> 'completed' or (x.result ->> 'id')::uuid = any(v_claimed) then 'busy' else 'replay' end,
      x.result::text, null::uuid, null::bigint
    from unnest(v_items) s
    left join idempotency_record x on x.scope = s.idem_scope and x.key = s.idem_key
    where s.valid and s.idem_key is not null and s.payment_id <> all(v_claimed);

  v_go := array(select s from unnest(v_items) s
    where s.valid and (s.idem_key is null or s.payment_id = any(v_claimed)) order by s.n);

  with wanted as (
    select s.source, s.source_shard, sum(s.amount)::bigint as amount from unnest(v_go) s group by s.source, s.source_shard
  ), covered as (
    update ledger_balance b set debits_posted = b.debits_posted + w.amount
      from wanted w
      where b.account_id = w.source and b.shard = w.source_shard
        and ledger_rule_holds(b.rule, b.debits_posted + w.amount, b.credits_posted, b.debits_pending, b.credits_pending)
      returning b.account_id, b.shard)
  select coalesce(array_agg(c.account_id), '{}'), coalesce(array_agg(c.shard), '{}')
    into v_covered_accounts, v_covered_shards from covered c;

  for r in select s.* from unnest(v_go) s
      where not exists (select 1 from unnest(v_covered_accounts, v_covered_shards) c(account, shard)
        where c.account = s.source and c.shard = s.source_shard)
      order by s.n loop
    v_available := ledger_try_move(r.source, r.source_shard, r.amount, 0, 0, 0);
    if v_available is not null then
      v_refused := v_refused || r.payment_id;
      return query select r.n, 'insufficient_funds', v_available::text, null::uuid, null::bigint;
    end if;
  end loop;
  if cardinality(v_refused) > 0 then
    -- Refused: the claim goes too, so the key can be used again, as after a refused single payment.
    delete from idempotency_record x using unnest(v_go) s
      where s.payment_id = any(v_refused) and x.scope = s.idem_scope and x.key = s.idem_key;
  end if;

  v_paid := array(select s from unnest(v_go) s where s.payment_id <> all(v_refused) order by s.n);
  if cardinality(v_paid) = 0 then
    return;
  end if;
  perform ledger_move(t.payee, t.payee_shard, 0, t.amount, 0, 0)
    from (select s.payee, s.payee_shard, sum(s.amount)::bigint as amount from unnest(v_paid) s
          group by s.payee, s.payee_shard order by s.payee, s.payee_shard) t;
  perform ledger_record_entries(array_agg(gen_random_uuid()), array_agg(s.source), array_agg(s.payee),
      array_agg(s.amount), array_agg(s.currency), 'payment', array_agg('payment:' || s.payment_id),
      array_agg(s.description))
    from unnest(v_paid) s;
  insert into payment_intent (id, merchant_id, customer_id, method, source_id, purpose, funding_account_id,
      payee_account_id, currency, amount, authorized_amount, captured_amount, refunded_amount, capture_method,
      status, method_reference, description, metadata, created_at, updated_at)
    select s.payment_id, s.merchant, s.customer, s.method, s.source::text, 'payment', s.source, s.payee, s.currency,
      s.amount, s.amount, s.amount, 0, 'automatic', 'captured', s.source::text, s.description, s.metadata, v_now, v_now
    from unnest(v_paid) s order by s.n;
  return query select s.n, 'captured', null::text, s.payment_id, v_created_ms from unnest(v_paid) s;
end $$;`;

/** A payment event's payload (0005's), for the row trigger on updates and the statement trigger on inserts. */
const EVENT_PAYLOAD = `create function payments_event_payload(p payment_intent, p_previous_status text) returns jsonb
  language sql immutable as $$
  select jsonb_build_object('paymentId', p.id, 'status', p.status, 'previousStatus', p_previous_status,
    'purpose', p.purpose, 'method', p.method, 'currency', p.currency,
    'amount', p.amount::text, 'authorizedAmount', p.authorized_amount::text,
    'capturedAmount', p.captured_amount::text, 'refundedAmount', p.refunded_amount::text,
    'declineReason', p.decline_reason)
$$;`;

const UPDATED_EVENT = `create or replace function payments_payment_event() returns trigger language plpgsql as $$
  begin
    perform payments_publish_event('payment.' || new.status, new.merchant_id, payments_event_payload(new, old.status));
    return null;
  end $$;`;

/** Events for every payment a statement created, with one insert (0005 wrote one per row). */
const CREATED_EVENTS = `create function payments_created_events() returns trigger language plpgsql as $$
  begin
    if to_regprocedure('gateway_event_publish_all(uuid[],text[],uuid[],jsonb[])') is not null then
      perform gateway_event_publish_all(array_agg(gen_random_uuid()), array_agg('payment.' || c.status),
          array_agg(c.merchant_id), array_agg(payments_event_payload(c, null)))
        from created c
        having count(*) > 0;
    end if;
    return null;
  end $$;`;

export class Migration0009PayFromAccountsInSets extends Migration {
  override async up(): Promise<void> {
    this.addSql(BATCH_ITEM);
    this.addSql(BATCH_ITEMS);
    // The answer no longer names the payee account: the gateway answers without loading the payment.
    this.addSql('drop function payments_pay_from_accounts;');
    this.addSql(PAY_FROM_ACCOUNTS);
    this.addSql('drop function payments_batch_sources;');
    this.addSql('drop trigger payment_intent_created_event on payment_intent;');
    this.addSql(EVENT_PAYLOAD);
    this.addSql(UPDATED_EVENT);
    this.addSql(CREATED_EVENTS);
    this.addSql(`create trigger payment_intent_created_events after insert on payment_intent
      referencing new table as created for each statement execute function payments_created_events();`);
  }
}
