import { Migration } from '@mikro-orm/migrations';

/**
 * The micropayment hot path, for many payments in one statement: what the gateway's requests
 * bring while the previous statements run goes as one batch (plugins/payments/pay-from-account-batcher.ts),
 * so a commit, its WAL flush and a round trip serve them all. Each item is still its own
 * payment: a refusal (no customer, no such account, insufficient funds, a key in use) is an
 * outcome of that item and changes nothing, and the others go on.
 *
 * Two rules keep concurrent batches from waiting on each other in a cycle: every balance
 * stripe the batch will move is locked first, in (account, stripe) order; and keys are
 * claimed in (scope, key) order, so a batch that waits for another's key holds no key that
 * batch still needs.
 *
 * Items: [{ n, merchant, customer, method, accountKind, source, amount, currency, description,
 * metadata, idemScope, idemKey, idemOperation, idemHash }]; one answer row per item, by `n`.
 */
const BATCH_SOURCES = `create function payments_batch_sources(p_items jsonb)
  returns table (n integer, merchant uuid, customer uuid, method text, source uuid, amount bigint, currency text,
    description text, metadata jsonb, idem_scope text, idem_key text, idem_operation text, idem_hash text,
    customer_ok boolean, source_currency text, source_shard smallint, payee uuid, payee_shard smallint)
  language sql stable as $$
  select i.n, i.merchant, i.customer, i.method, i.source, i.amount, i.currency, i.description, i.metadata,
    i."idemScope", i."idemKey", i."idemOperation", i."idemHash",
    c.found is not null, s.currency, ledger_shard(s.shards), p.id, ledger_shard(p.shards)
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
    where p.key = 'merchant_payable/' || i.merchant || '/' || i.currency limit 1) p on true
$$;`;

const PAY_FROM_ACCOUNTS = `create function payments_pay_from_accounts(p_items jsonb, p_idem_ttl_seconds double precision,
    p_payee_stripes smallint)
  returns table (n integer, outcome text, detail text, payment_id uuid, payee_account_id uuid, created_ms bigint)
  language plpgsql as $$
declare
  v_now timestamptz := date_trunc('milliseconds', now());
  v_created_ms bigint := (extract(epoch from v_now) * 1000)::bigint;
  r record;
  v_id uuid;
  v_claimed integer;
  v_existing record;
  v_available bigint;
begin
  -- A merchant's first payment in a currency opens its payable account.
  perform ledger_open_account('merchant_payable/' || b.merchant || '/' || b.currency, 'merchant_payable',
      b.currency, 'credit', true, p_payee_stripes, b.merchant, null)
    from (select distinct s.merchant, s.currency from payments_batch_sources(p_items) s
          where s.customer_ok and s.source_currency = s.currency and s.payee is null) b;

  perform 1 from ledger_balance b
    join (select distinct k.account, k.shard from payments_batch_sources(p_items) s
            cross join lateral (values (s.source, s.source_shard), (s.payee, s.payee_shard)) k(account, shard)
            where s.customer_ok and s.source_currency = s.currency) k
      on b.account_id = k.account and b.shard = k.shard
    order by b.account_id, b.shard
    for update of b;

  for r in select * from payments_batch_sources(p_items) s order by s.idem_scope, s.idem_key, s.n loop
    if not r.customer_ok then
      return query select r.n, 'no_customer', null::text, null::uuid, null::uuid, null::bigint; continue;
    end if;
    if r.source_currency is null then
      return query select r.n, 'no_source', null::text, null::uuid, null::uuid, null::bigint; continue;
    end if;
    if r.source_currency <> r.currency then
      return query select r.n, 'wrong_currency', r.source_currency, null::uuid, null::uuid, null::bigint; continue;
    end if;
    v_id := gen_random_uuid();
    if r.idem_key is not null then
      -- Written as completed at once: nobody sees it before this statement commits, and then the
      -- payment it names exists. A concurrent request with the key waits here until then.
      insert into idempotency_record (scope, key, operation, request_hash, status, result, locked_until, created_at, expires_at)
        values (r.idem_scope, r.idem_key, r.idem_operation, r.idem_hash, 'completed',
                jsonb_build_object('type', 'Payment', 'id', v_id), v_now, v_now,
                v_now + make_interval(secs => p_idem_ttl_seconds))
        on conflict (scope, key) do nothing;
      get diagnostics v_claimed = row_count;
      if v_claimed = 0 then
        select x.request_hash, x.status, x.result::text as result, x.expires_at <= now() as expired into v_existing
          from idempotency_record x where x.scope = r.idem_scope and x.key = r.idem_key;
        if v_existing.expired or v_existing.request_hash <> r.idem_hash or v_existing.status <> 'completed' then
          -- Expired, conflicting or in flight: the general path knows what to do.
          return query select r.n, 'busy', null::text, null::uuid, null::uuid, null::bigint; continue;
        end if;
        return query select r.n, 'replay', v_existing.result, null::uuid, null::uuid, null::bigint; continue;
      end if;
    end if;
    if r.amount <= 0 then
      raise exception 'a transfer moves a positive amount between two accounts' using errcode = 'GW901';
    end if;
    v_available := ledger_try_move(r.source, r.source_shard, r.amount, 0, 0, 0);
    if v_available is not null then
      -- Refused: the claim goes too, so the key can be used again, as after a refused single payment.
      delete from idempotency_record x where x.scope = r.idem_scope and x.key = r.idem_key;
      return query select r.n, 'insufficient_funds', v_available::text, null::uuid, null::uuid, null::bigint; continue;
    end if;
    perform ledger_move(r.payee, r.payee_shard, 0, r.amount, 0, 0);
    perform ledger_record_entry(r.source, r.payee, r.amount, r.currency, 'payment', 'payment:' || v_id, r.description);
    insert into payment_intent (id, merchant_id, customer_id, method, source_id, purpose, funding_account_id,
        payee_account_id, currency, amount, authorized_amount, captured_amount, refunded_amount, capture_method,
        status, method_reference, description, metadata, created_at, updated_at)
      values (v_id, r.merchant, r.customer, r.method, r.source::text, 'payment', r.source, r.payee, r.currency,
        r.amount, r.amount, r.amount, 0, 'automatic', 'captured', r.source::text, r.description, r.metadata, v_now, v_now);
    return query select r.n, 'captured', null::text, v_id, r.payee, v_created_ms;
  end loop;
end $$;`;

export class Migration0007PayFromAccounts extends Migration {
  override async up(): Promise<void> {
    this.addSql(BATCH_SOURCES);
    this.addSql(PAY_FROM_ACCOUNTS);
    this.addSql('drop function payments_pay_from_account;');
  }
}
