import { Migration } from '@mikro-orm/migrations';

/**
 * The wallet's batch with a pricing cost about a quarter more PostgreSQL CPU per payment than
 * without (0.55-0.58 against 0.45 ms in batches of ten, medians of alternating runs on one
 * backend, BENCHMARKS.md). Not the pricing lookups: dropping the fee posting alone brought it
 * back to the no-pricing figure. Two things did it:
 *
 * - The posting, `payments_fee_moves`: one more PL/pgSQL call that locked the stripes again, moved
 *   the payee stripe a second time and the fees stripe through two nested calls each, and wrote
 *   its entry with a writer call of its own: about a dozen statements per batch. Now the batch
 *   posts its fees in the statements it already runs: the accrual rule (`payments_fee_accrue`,
 *   shared with `payments_fee_moves`, so it stays in one place) says how many whole minor units
 *   each merchant stripe crossed; one update moves every payee and fees stripe once, net; one
 *   writer call records the payments' entries and the fees' together
 *   (`ledger_record_entries_of_kinds`, which `ledger_record_entries` now calls).
 * - Re-planning. PL/pgSQL keeps a statement's plan only when the generic one looks no dearer
 *   than a custom one; the batch's statements read arrays (the batch's items), and once fees
 *   made the batch longer, PostgreSQL kept planning them anew on every call. The batch now
 *   always uses generic plans (`plan_cache_mode`, for the call and the functions it calls):
 *   every lookup in it is by key (the lateral `limit 1` joins of 0009), so the generic plan is
 *   the same as a custom one.
 *
 * Nothing about what is charged, carried or posted changes: the same units reach the same
 * accounts under the same entry kinds, in the same transaction.
 */

/** Journal entries of several kinds in one statement pair; entry i has kind p_kinds[i]. */
const RECORD_ENTRIES_OF_KINDS = `create function ledger_record_entries_of_kinds(p_entries uuid[], p_debits uuid[],
    p_credits uuid[], p_amounts bigint[], p_currencies text[], p_kinds text[], p_references text[],
    p_descriptions text[])
  returns void language plpgsql as $$
  begin
    insert into journal_entry (id, kind, reference, description, created_at)
      select e.id, e.kind, e.reference, e.description, now()
      from unnest(p_entries, p_kinds, p_references, p_descriptions) as e(id, kind, reference, description);
    insert into journal_line (entry_id, account_id, currency, amount, created_at)
      select e.id, l.account, e.currency, l.amount, now()
      from unnest(p_entries, p_debits, p_credits, p_amounts, p_currencies) as e(id, debit, credit, amount, currency)
      cross join lateral (values (e.debit, e.amount), (e.credit, -e.amount)) as l(account, amount);
  end $$;`;

/** 0008's writer, for entries of one kind: the same rows, written by the one above. */
const RECORD_ENTRIES = `create or replace function ledger_record_entries(p_entries uuid[], p_debits uuid[],
    p_credits uuid[], p_amounts bigint[], p_currencies text[], p_kind text, p_references text[],
    p_descriptions text[])
  returns void language plpgsql as $$
  begin
    perform ledger_record_entries_of_kinds(p_entries, p_debits, p_credits, p_amounts, p_currencies,
      array_fill(p_kind, array[coalesce(cardinality(p_entries), 0)]), p_references, p_descriptions);
  end $$;`;

/**
 * Row i adds micros[i] (negative: a fee given back) to merchant i's accrual on stripe i and
 * answers how many whole minor units that crossed, rounding toward minus infinity; the
 * remainder stays carried, in [0, 1) minor unit. One row per (merchant, currency, stripe).
 * The caller holds the merchant's payable stripes: the accrual rows' writers all do.
 */
const FEE_ACCRUE = `create function payments_fee_accrue(p_merchants uuid[], p_currencies text[], p_shards smallint[],
    p_micros bigint[])
  returns table (merchant uuid, currency text, shard smallint, units bigint) language plpgsql as $$
  #variable_conflict use_column
  begin
    insert into fee_accrual (merchant_id, currency, shard, accrued_micros)
      select x.merchant, x.currency, x.shard, 0 from unnest(p_merchants, p_currencies, p_shards)
        as x(merchant, currency, shard)
      order by 1, 2, 3
      on conflict do nothing;
    return query with t as (
        select x.merchant, x.currency, x.shard, a.accrued_micros + x.micros as total
        from unnest(p_merchants, p_currencies, p_shards, p_micros) as x(merchant, currency, shard, micros)
        join fee_accrual a on a.merchant_id = x.merchant and a.currency = x.currency and a.shard = x.shard),
      u as (select t.*, floor(t.total::numeric / 1000000)::bigint as units from t),
      carried as (
        update fee_accrual a set accrued_micros = u.total - u.units * 1000000 from u
          where a.merchant_id = u.merchant and a.currency = u.currency and a.shard = u.shard)
      select u.merchant, u.currency::text, u.shard, u.units from u;
  end $$;`;

/** 0013's general way in (captures, refunds, the sweep), with its accrual now `payments_fee_accrue`. */
const FEE_MOVES = `create or replace function payments_fee_moves(p_merchants uuid[], p_currencies text[], p_payees uuid[],
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
    select array_agg(x.merchant) as merchants, array_agg(x.currency) as currencies, array_agg(x.payee) as payees,
        array_agg(x.payee_shard) as payee_shards, array_agg(x.fees) as fees, array_agg(x.fees_shard) as fees_shards,
        array_agg(a.units) as units, array_agg(gen_random_uuid()) as entries
      into v_moves
      from payments_fee_accrue(p_merchants, p_currencies, p_payee_shards, p_micros) a
      join unnest(p_merchants, p_currencies, p_payees, p_payee_shards, p_fees, p_fees_shards)
          as x(merchant, currency, payee, payee_shard, fees, fees_shard)
        on x.merchant = a.merchant and x.currency = a.currency and x.payee_shard = a.shard
      where a.units <> 0;
    if v_moves.units is null then return '{}'; end if;
    perform ledger_move(m.account, m.shard, m.debits, m.credits, 0, 0)
      from (select k.account, k.shard, sum(k.debits)::bigint as debits, sum(k.credits)::bigint as credits
            from unnest(v_moves.payees, v_moves.payee_shards, v_moves.fees, v_moves.fees_shards, v_moves.units)
              as x(payee, payee_shard, fees, fees_shard, units)
            cross join lateral (values (x.payee, x.payee_shard, greatest(x.units, 0), greatest(-x.units, 0)),
              (x.fees, x.fees_shard, greatest(-x.units, 0), greatest(x.units, 0))) k(account, shard, debits, credits)
            group by k.account, k.shard order by k.account, k.shard) m;
    perform ledger_record_entries_of_kinds(array_agg(x.entry),
        array_agg(case when x.units > 0 then x.payee else x.fees end),
        array_agg(case when x.units > 0 then x.fees else x.payee end), array_agg(abs(x.units)),
        array_agg(x.currency), array_agg(case when x.units > 0 then 'fee' else 'fee_return' end),
        array_agg('fees:' || x.merchant), array_agg(null::text))
      from unnest(v_moves.entries, v_moves.merchants, v_moves.currencies, v_moves.payees, v_moves.fees,
        v_moves.units) as x(entry, merchant, currency, payee, fees, units);
    return v_moves.entries;
  end $$;`;

/**
 * 0013's batch, its fees posted in its own statements: the accrual per merchant stripe, then
 * one net move per stripe and one writer call for every entry (the batch's fees are never
 * negative, so its fee entries are all of kind `fee`).
 */
const PAY_FROM_ACCOUNTS = `create or replace function payments_pay_from_accounts(p_items jsonb,
    p_idem_ttl_seconds double precision, p_payee_stripes smallint)
  returns table (n integer, outcome text, detail text, payment_id uuid, created_ms bigint)
  language plpgsql set plan_cache_mode = force_generic_plan as $$
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
  v_fee_entries uuid[] := '{}';
  v_fee_merchants uuid[] := '{}';
  v_fee_currencies text[] := '{}';
  v_fee_payees uuid[] := '{}';
  v_fee_payee_shards smallint[] := '{}';
  v_fee_accounts uuid[] := '{}';
  v_fee_shards smallint[] := '{}';
  v_fee_units bigint[] := '{}';
  v_moved boolean;
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
  if exists (select 1 from unnest(v_paid) s where s.fee_micros > 0) then
    -- The batch's fees, summed per merchant stripe, accrue; what reaches whole minor units is posted below.
    with f as (
      select s.merchant, s.currency, s.payee, s.payee_shard, s.fees_account, s.fees_shard,
          sum(s.fee_micros)::bigint as micros
        from unnest(v_paid) s where s.fee_micros > 0
        group by s.merchant, s.currency, s.payee, s.payee_shard, s.fees_account, s.fees_shard)
    select coalesce(array_agg(gen_random_uuid()), '{}'), coalesce(array_agg(f.merchant), '{}'),
        coalesce(array_agg(f.currency), '{}'), coalesce(array_agg(f.payee), '{}'),
        coalesce(array_agg(f.payee_shard), '{}'), coalesce(array_agg(f.fees_account), '{}'),
        coalesce(array_agg(f.fees_shard), '{}'), coalesce(array_agg(a.units), '{}')
      into v_fee_entries, v_fee_merchants, v_fee_currencies, v_fee_payees, v_fee_payee_shards, v_fee_accounts,
        v_fee_shards, v_fee_units
      from payments_fee_accrue(
          (select array_agg(f.merchant order by f.merchant, f.currency, f.payee_shard) from f),
          (select array_agg(f.currency order by f.merchant, f.currency, f.payee_shard) from f),
          (select array_agg(f.payee_shard order by f.merchant, f.currency, f.payee_shard) from f),
          (select array_agg(f.micros order by f.merchant, f.currency, f.payee_shard) from f)) a
      join f on f.merchant = a.merchant and f.currency = a.currency and f.payee_shard = a.shard
      where a.units > 0;
  end if;
  -- Every stripe the batch credits or debits, once: the payees get the payments less the fees
  -- posted, the fees stripes those fees. All were locked above, in order.
  with m as (
    select k.account, k.shard, sum(k.debits)::bigint as debits, sum(k.credits)::bigint as credits
      from (select s.payee as account, s.payee_shard as shard, 0::bigint as debits, s.amount as credits
              from unnest(v_paid) s
            union all
            select x.payee, x.payee_shard, x.units, 0 from unnest(v_fee_payees, v_fee_payee_shards, v_fee_units)
              as x(payee, payee_shard, units)
            union all
            select x.fees, x.fees_shard, 0, x.units from unnest(v_fee_accounts, v_fee_shards, v_fee_units)
              as x(fees, fees_shard, units)) k
      group by k.account, k.shard),
  moved as (
    update ledger_balance b set debits_posted = b.debits_posted + m.debits, credits_posted = b.credits_posted + m.credits
      from m
      where b.account_id = m.account and b.shard = m.shard
        and ledger_rule_holds(b.rule, b.debits_posted + m.debits, b.credits_posted + m.credits, b.debits_pending,
          b.credits_pending)
      returning 1)
  select (select count(*) from moved) = (select count(*) from m) into v_moved;
  if not v_moved then
    -- Payable and fees accounts may go below zero: a stripe refusing this is a broken ledger.
    raise exception 'a payee or fees stripe refused the batch' using errcode = 'GW900';
  end if;
  -- The payments' entries and the fees' (at most one per merchant stripe), with one writer call.
  perform ledger_record_entries_of_kinds(array_agg(e.id), array_agg(e.debit), array_agg(e.credit),
      array_agg(e.amount), array_agg(e.currency), array_agg(e.kind), array_agg(e.reference), array_agg(e.description))
    from (select gen_random_uuid() as id, s.source as debit, s.payee as credit, s.amount, s.currency,
              'payment' as kind, 'payment:' || s.payment_id as reference, s.description
            from unnest(v_paid) s
          union all
          select x.entry, x.payee, x.fees, x.units, x.currency, 'fee', 'fees:' || x.merchant, null
            from unnest(v_fee_entries, v_fee_payees, v_fee_accounts, v_fee_units, v_fee_currencies, v_fee_merchants)
              as x(entry, payee, fees, units, currency, merchant)) e;
  insert into payment_intent (id, merchant_id, customer_id, method, source_id, purpose, funding_account_id,
      payee_account_id, currency, amount, authorized_amount, captured_amount, refunded_amount, capture_method,
      status, method_reference, description, metadata, fee_micros, fee_on_refund, created_at, updated_at)
    select s.payment_id, s.merchant, s.customer, s.method, s.source::text, 'payment', s.source, s.payee, s.currency,
      s.amount, s.amount, s.amount, 0, 'automatic', 'captured', s.source::text, s.description, s.metadata,
      s.fee_micros, case when s.fee_micros > 0 then s.fee_on_refund end, v_now, v_now
    from unnest(v_paid) s order by s.n;
  return query select s.n, 'captured', s.fee_micros::text, s.payment_id, v_created_ms from unnest(v_paid) s;
end $$;`;

export class Migration0018FeesInTheBatch extends Migration {
  override async up(): Promise<void> {
    this.addSql(RECORD_ENTRIES_OF_KINDS);
    this.addSql(RECORD_ENTRIES);
    this.addSql(FEE_ACCRUE);
    this.addSql(FEE_MOVES);
    this.addSql(PAY_FROM_ACCOUNTS);
  }
}
