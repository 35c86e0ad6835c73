import { Migration } from '@mikro-orm/migrations';

/**
 * Fees: a pricing per merchant (or the gateway's default) per currency and method, a fixed part
 * plus basis points between an optional minimum and maximum, and its audit. A fee is computed in
 * millionths of a minor unit, exactly (basis points of a whole amount are whole millionths), and
 * posted through a per-merchant accrual: whole minor units go from the merchant's payable account
 * to the fees revenue account in the same transaction as the payment, the rest is carried. So
 * charged fees = posted fees + carried remainder, always, which `gateway ledger verify` checks.
 *
 * The rules live here, in the database, as the ledger's do: the general path (captures, refunds)
 * and the wallet's batched path call the same `payments_fee_moves`; the batch computes each
 * payment's fee in its set-based SQL and moves the batch's fees once per merchant stripe.
 */
const TABLES = [
  `create table "fee_accrual" ("merchant_id" uuid not null, "currency" varchar(3) not null, "shard" smallint not null, "accrued_micros" bigint not null, primary key ("merchant_id", "currency", "shard"));`,
  `alter table "fee_accrual" add constraint "fee_accrual_accrued_micros_check" check (accrued_micros >= 0 and accrued_micros < 1000000);`,
  `create table "fee_pricing_change" ("id" bigserial primary key, "merchant_id" uuid null, "currency" varchar(3) not null, "method" varchar(60) not null, "before" jsonb null, "after" jsonb null, "reason" varchar(500) not null, "actor_key_id" uuid not null, "changed_at" timestamptz not null);`,
  `create index "fee_pricing_change_merchant_id_id_index" on "fee_pricing_change" ("merchant_id", "id");`,
  `create table "fee_pricing" ("id" uuid not null, "merchant_id" uuid null, "currency" varchar(3) not null, "method" varchar(60) not null, "fixed_minor" bigint not null, "basis_points" int not null, "min_minor" bigint null, "max_minor" bigint null, "on_refund" text not null, "updated_at" timestamptz not null, primary key ("id"));`,
  // Two partial indexes: a unique index treats nulls as distinct, and the default's merchant is null.
  `create unique index "fee_pricing_merchant_currency_method_unique" on "fee_pricing" ("merchant_id", "currency", "method") where merchant_id is not null;`,
  `create unique index "fee_pricing_default_currency_method_unique" on "fee_pricing" ("currency", "method") where merchant_id is null;`,
  `alter table "fee_pricing" add constraint "fee_pricing_merchant_id_foreign" foreign key ("merchant_id") references "merchant" ("id") on delete cascade;`,
  `alter table "fee_pricing" add constraint "fee_pricing_amounts_check" check (fixed_minor >= 0 and basis_points >= 0 and basis_points <= 10000 and min_minor >= 0 and max_minor >= 0 and max_minor >= min_minor);`,
  `alter table "fee_pricing" add constraint "fee_pricing_on_refund_check" check ("on_refund" in ('return', 'keep'));`,
  // Defaults: 0009's batch and every earlier writer insert payments without a fee.
  `alter table "payment_intent" add "fee_micros" bigint not null default '0', add "fee_returned_micros" bigint not null default '0', add "fee_on_refund" text null;`,
  `alter table "payment_intent" add constraint "payment_intent_fee_on_refund_check" check ("fee_on_refund" in ('return', 'keep'));`,
  `alter table "payout" add "fees" bigint not null default '0';`,
];

/**
 * The fee of `p_amount` in millionths of a minor unit: fixed part plus basis points, at least the
 * minimum, at most the maximum and never more than the amount itself; 0 without a pricing.
 */
const FEE_MICROS = `create function payments_fee_micros(p_amount bigint, p_fixed bigint, p_basis_points integer,
    p_min bigint, p_max bigint) returns bigint language sql immutable parallel safe as $$
  select coalesce(least(greatest(p_fixed::numeric * 1000000 + p_amount::numeric * p_basis_points * 100,
    coalesce(p_min, 0)::numeric * 1000000), p_max::numeric * 1000000, p_amount::numeric * 1000000), 0)::bigint
$$;`;

/**
 * The gateway's fees revenue account in a currency, opened on first use. Its id sorts after every
 * other account's (it starts with ffffffff): stripes are locked in (account, stripe) order, and a
 * capture that moved the payment's own accounts before its fee then never waits in a cycle with
 * a batch that locks all three at once.
 */
const FEES_ACCOUNT = `create function payments_fees_account(p_currency text, p_stripes smallint) returns uuid
  language plpgsql as $$
  declare v_id uuid;
  begin
    select a.id into v_id from ledger_account a where a.key = 'fees/' || p_currency;
    if found then return v_id; end if;
    insert into ledger_account (id, key, kind, currency, normal, allow_negative, shards, merchant_id, customer_id,
        created_at)
      values (('ffffffff' || substr(gen_random_uuid()::text, 9))::uuid, 'fees/' || p_currency, 'fees', p_currency,
        'credit', true, p_stripes, null, null, now())
      on conflict (key) do nothing
      returning id into v_id;
    if v_id is null then
      select a.id into v_id from ledger_account a where a.key = 'fees/' || p_currency;
      return v_id;
    end if;
    insert into ledger_balance (account_id, shard, rule, debits_posted, credits_posted, debits_pending, credits_pending)
      select v_id, g, 'none', 0, 0, 0, 0 from generate_series(0, p_stripes - 1) g;
    return v_id;
  end $$;`;

/**
 * Row i adds micros[i] (negative: a fee given back) to merchant i's accrual on its payable stripe
 * and moves the whole minor units that crosses, rounding toward minus infinity, between the
 * payable stripe and the fees stripe: kind \`fee\` from the merchant, \`fee_return\` back to it.
 * The carried remainder stays in [0, 1) minor unit. One row per (merchant, currency, stripe).
 * Stripes are locked first, in order, then the accrual rows, whose writers all hold their stripe.
 */
const FEE_MOVES = `create function payments_fee_moves(p_merchants uuid[], p_currencies text[], p_payees uuid[],
    p_payee_shards smallint[], p_fees uuid[], p_fees_shards smallint[], p_micros bigint[])
  returns uuid[] language plpgsql as $$
  declare
    v_moves record;
  begin
    perform 1 from ledger_balance b
      join (select distinct k.account, k.shard from unnest(p_payees, p_payee_shards, p_fees, p_fees_shards)
              as x(payee, payee_shard, fees, fees_shard)
            cross join lateral (values (x.payee, x.payee_shard), (x.fees, x.fees_shard)) k(account, shard)) k
        on b.account_id = k.account and b.shard = k.shard
      order by b.account_id, b.shard
      for update of b;
    insert into fee_accrual (merchant_id, currency, shard, accrued_micros)
      select x.merchant, x.currency, x.shard, 0 from unnest(p_merchants, p_currencies, p_payee_shards)
        as x(merchant, currency, shard)
      order by 1, 2, 3
      on conflict do nothing;
    with t as (
      select x.*, a.accrued_micros + x.micros as total
      from unnest(p_merchants, p_currencies, p_payees, p_payee_shards, p_fees, p_fees_shards, p_micros)
        as x(merchant, currency, payee, payee_shard, fees, fees_shard, micros)
      join fee_accrual a on a.merchant_id = x.merchant and a.currency = x.currency and a.shard = x.payee_shard),
    u as (select t.*, floor(t.total::numeric / 1000000)::bigint as units from t),
    carried as (
      update fee_accrual a set accrued_micros = u.total - u.units * 1000000 from u
        where a.merchant_id = u.merchant and a.currency = u.currency and a.shard = u.payee_shard)
    select array_agg(u.merchant) as merchants, array_agg(u.currency) as currencies, array_agg(u.payee) as payees,
        array_agg(u.payee_shard) as payee_shards, array_agg(u.fees) as fees, array_agg(u.fees_shard) as fees_shards,
        array_agg(u.units) as units, array_agg(gen_random_uuid()) as entries
      into v_moves from u where u.units <> 0;
    if v_moves.units is null then return '{}'; end if;
    perform ledger_move(m.account, m.shard, m.debits, m.credits, 0, 0)
      from (select k.account, k.shard, sum(k.debits)::bigint as debits, sum(k.credits)::bigint as credits
            from unnest(v_moves.payees, v_moves.payee_shards, v_moves.fees, v_moves.fees_shards, v_moves.units)
              as x(payee, payee_shard, fees, fees_shard, units)
            cross join lateral (values (x.payee, x.payee_shard, greatest(x.units, 0), greatest(-x.units, 0)),
              (x.fees, x.fees_shard, greatest(-x.units, 0), greatest(x.units, 0))) k(account, shard, debits, credits)
            group by k.account, k.shard order by k.account, k.shard) m;
    perform ledger_record_entries(array_agg(x.entry), array_agg(x.payee), array_agg(x.fees),
        array_agg(x.units), array_agg(x.currency), 'fee', array_agg('fees:' || x.merchant), array_agg(null::text))
      from unnest(v_moves.entries, v_moves.merchants, v_moves.currencies, v_moves.payees, v_moves.fees,
        v_moves.units) as x(entry, merchant, currency, payee, fees, units)
      where x.units > 0 having count(*) > 0;
    perform ledger_record_entries(array_agg(x.entry), array_agg(x.fees), array_agg(x.payee),
        array_agg(-x.units), array_agg(x.currency), 'fee_return', array_agg('fees:' || x.merchant),
        array_agg(null::text))
      from unnest(v_moves.entries, v_moves.merchants, v_moves.currencies, v_moves.payees, v_moves.fees,
        v_moves.units) as x(entry, merchant, currency, payee, fees, units)
      where x.units < 0 having count(*) > 0;
    return v_moves.entries;
  end $$;`;

/**
 * Gathers a merchant's remainders from all its stripes into stripe 0 and posts the whole minor
 * units they make together: a merchant then carries less than one minor unit in all. Settlement
 * runs it before it reads a period's lines; returns the entry it wrote, if any.
 */
const FEE_SWEEP = `create function payments_fee_sweep(p_merchant uuid, p_currency text, p_payee uuid, p_stripes smallint)
  returns uuid[] language plpgsql as $$
  declare
    v_total bigint;
    v_fees uuid;
  begin
    -- Every payable stripe, in order, before the accrual rows whose writers hold them.
    perform 1 from ledger_balance b where b.account_id = p_payee order by b.shard for update;
    select sum(a.accrued_micros)::bigint into v_total from fee_accrual a
      where a.merchant_id = p_merchant and a.currency = p_currency;
    if coalesce(v_total, 0) = 0 then return '{}'; end if;
    update fee_accrual a set accrued_micros = 0
      where a.merchant_id = p_merchant and a.currency = p_currency and a.accrued_micros > 0;
    v_fees := payments_fees_account(p_currency, p_stripes);
    return payments_fee_moves(array[p_merchant], array[p_currency], array[p_payee], array[0::smallint],
      array[v_fees], array[ledger_account_shard(v_fees, p_currency)], array[v_total]);
  end $$;`;

/** One merchant's fee (or fee given back) on its payable account: the general path's way in. */
const FEE_MOVE = `create function payments_fee_move(p_merchant uuid, p_currency text, p_payee uuid, p_micros bigint,
    p_stripes smallint) returns void language plpgsql as $$
  declare v_fees uuid := payments_fees_account(p_currency, p_stripes);
  begin
    perform payments_fee_moves(array[p_merchant], array[p_currency], array[p_payee],
      array[ledger_account_shard(p_payee, p_currency)], array[v_fees], array[ledger_account_shard(v_fees, p_currency)],
      array[p_micros]);
  end $$;`;

/** 0009's batch item, with each payment's fee and the fees account it goes to. */
const BATCH_ITEM = `alter type payments_batch_item add attribute fee_micros bigint, add attribute fee_on_refund text,
  add attribute fees_account uuid, add attribute fees_shard smallint;`;

/**
 * 0012's lookups (the caller's chosen payment id, else a new one), plus the pricing (the
 * merchant's, else the default) and the fees account.
 */
const BATCH_ITEMS = `create or replace function payments_batch_items(p_items jsonb) returns setof payments_batch_item
  language plpgsql as $$
begin
  return query select i.n, coalesce(i."paymentId", gen_random_uuid()), i.merchant, i.customer, i.method, i.source,
    i.amount, i.currency, i.description, i.metadata, i."idemScope", i."idemKey", i."idemOperation", i."idemHash",
    c.found is not null and s.currency is not distinct from i.currency,
    c.found is not null, s.currency::text, ledger_shard(s.shards), p.id, ledger_shard(p.shards),
    payments_fee_micros(i.amount, f.fixed_minor, f.basis_points, f.min_minor, f.max_minor), f.on_refund,
    fa.id, ledger_shard(fa.shards)
  from jsonb_to_recordset(p_items) as i(n integer, "paymentId" uuid, merchant uuid, customer uuid, method text,
    "accountKind" text, source uuid, amount bigint, currency text, description text, metadata jsonb,
    "idemScope" text, "idemKey" text, "idemOperation" text, "idemHash" text)
  -- Lateral lookups with a limit: the planner cannot tell a batch holds a handful of items, and
  -- would otherwise hash-join them against whole tables.
  left join lateral (select true as found from customer c
    where c.id = i.customer and c.merchant_id = i.merchant limit 1) c on true
  left join lateral (select s.currency, s.shards from ledger_account s
    where s.id = i.source and s.kind = i."accountKind" and s.customer_id = i.customer and s.merchant_id = i.merchant
    limit 1) s on true
  left join lateral (select p.id, p.shards from ledger_account p
    where p.key = 'merchant_payable/' || i.merchant || '/' || i.currency limit 1) p on true
  left join lateral (select f.fixed_minor, f.basis_points, f.min_minor, f.max_minor, f.on_refund from fee_pricing f
    where f.currency = i.currency and f.method = i.method and (f.merchant_id = i.merchant or f.merchant_id is null)
    order by f.merchant_id nulls last limit 1) f on true
  left join lateral (select a.id, a.shards from ledger_account a where a.key = 'fees/' || i.currency limit 1) fa on true;
end $$;`;

/**
 * 0009's batch, which now opens the fees account with the payable one, locks its stripe with the
 * others (in the same order), records each payment's fee and moves the batch's fees. A captured
 * payment's answer carries its fee in `detail`, so the gateway answers without loading it.
 */
const PAY_FROM_ACCOUNTS = `create or replace function payments_pay_from_accounts(p_items jsonb,
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
  if exists (select 1 from unnest(v_items) s
      where s.valid and (s.payee is null or (s.fee_micros > 0 and s.fees_account is null))) then
    -- A merchant's first payment in a currency opens its payable account; the first fee, the fees account.
    perform ledger_open_account('merchant_payable/' || b.merchant || '/' || b.currency, 'merchant_payable',
        b.currency, 'credit', true, p_payee_stripes, b.merchant, null)
      from (select distinct s.merchant, s.currency from unnest(v_items) s where s.valid and s.payee is null) b;
    perform payments_fees_account(b.currency, p_payee_stripes)
      from (select distinct s.currency from unnest(v_items) s
            where s.valid and s.fee_micros > 0 and s.fees_account is null) b;
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
            cross join lateral (values (s.source, s.source_shard), (s.payee, s.payee_shard),
              (case when s.fee_micros > 0 then s.fees_account end, s.fees_shard)) k(account, shard)
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
      status, method_reference, description, metadata, fee_micros, fee_on_refund, created_at, updated_at)
    select s.payment_id, s.merchant, s.customer, s.method, s.source::text, 'payment', s.source, s.payee, s.currency,
      s.amount, s.amount, s.amount, 0, 'automatic', 'captured', s.source::text, s.description, s.metadata,
      s.fee_micros, case when s.fee_micros > 0 then s.fee_on_refund end, v_now, v_now
    from unnest(v_paid) s order by s.n;
  if exists (select 1 from unnest(v_paid) s where s.fee_micros > 0) then
    -- The batch's fees, summed per merchant stripe: one accrual update and at most one entry each.
    perform payments_fee_moves(array_agg(f.merchant), array_agg(f.currency), array_agg(f.payee),
        array_agg(f.payee_shard), array_agg(f.fees_account), array_agg(f.fees_shard), array_agg(f.micros))
      from (select s.merchant, s.currency, s.payee, s.payee_shard, s.fees_account, s.fees_shard,
              sum(s.fee_micros)::bigint as micros
            from unnest(v_paid) s where s.fee_micros > 0
            group by s.merchant, s.currency, s.payee, s.payee_shard, s.fees_account, s.fees_shard) f;
  end if;
  return query select s.n, 'captured', s.fee_micros::text, s.payment_id, v_created_ms from unnest(v_paid) s;
end $$;`;

export class Migration0013Fees extends Migration {
  override async up(): Promise<void> {
    for (const sql of TABLES) this.addSql(sql);
    this.addSql(FEE_MICROS);
    this.addSql(FEES_ACCOUNT);
    this.addSql(FEE_MOVES);
    this.addSql(FEE_MOVE);
    this.addSql(FEE_SWEEP);
    this.addSql(BATCH_ITEM);
    this.addSql(BATCH_ITEMS);
    this.addSql(PAY_FROM_ACCOUNTS);
  }
}
