import { Migration } from '@mikro-orm/migrations';

/**
 * The hot path of micropayments: a payment from a customer's own account (a wallet),
 * authorized and captured, in ONE database round trip. It checks what the slow path checks
 * (the customer is the merchant's, the account is the customer's and of the method's kind and
 * currency), claims the Idempotency-Key, moves the money with `ledger_transfer` (the same code
 * as every other transfer) and records the payment. Typed refusals change nothing: insufficient
 * funds raise GW001 and roll the statement back, idempotency claim included.
 */
const PAY_FROM_ACCOUNT = `create function payments_pay_from_account(
    p_merchant uuid, p_customer uuid, p_method text, p_account_kind text, p_source uuid,
    p_amount bigint, p_currency text, p_description text, p_metadata jsonb,
    p_idem_scope text, p_idem_key text, p_idem_operation text, p_idem_hash text,
    p_idem_ttl_seconds double precision, p_payee_stripes smallint)
  returns table (outcome text, detail text, payment_id uuid, payee_account_id uuid, created_ms bigint)
  language plpgsql as $$
declare
  v_id uuid := gen_random_uuid();
  v_now timestamptz := date_trunc('milliseconds', now());
  v_currency text;
  v_payee uuid;
  v_claimed int;
  v_existing record;
begin
  perform 1 from customer c where c.id = p_customer and c.merchant_id = p_merchant;
  if not found then return query select 'no_customer', null::text, null::uuid, null::uuid, null::bigint; return; end if;
  select a.currency into v_currency from ledger_account a
    where a.id = p_source and a.kind = p_account_kind and a.customer_id = p_customer and a.merchant_id = p_merchant;
  if not found then return query select 'no_source', null::text, null::uuid, null::uuid, null::bigint; return; end if;
  if v_currency <> p_currency then
    return query select 'wrong_currency', v_currency, null::uuid, null::uuid, null::bigint; return;
  end if;

  if p_idem_key is not null then
    -- Written as completed at once: nobody sees it before this statement commits, and then the
    -- payment it names exists. A concurrent request with the key waits here until then.
    insert into idempotency_record (scope, key, operation, request_hash, status, result, locked_until, created_at, expires_at)
      values (p_idem_scope, p_idem_key, p_idem_operation, p_idem_hash, 'completed',
              jsonb_build_object('type', 'Payment', 'id', v_id), v_now, v_now,
              v_now + make_interval(secs => p_idem_ttl_seconds))
      on conflict (scope, key) do nothing;
    get diagnostics v_claimed = row_count;
    if v_claimed = 0 then
      select r.request_hash, r.status, r.result::text as result, r.expires_at <= now() as expired into v_existing
        from idempotency_record r where r.scope = p_idem_scope and r.key = p_idem_key;
      if v_existing.expired or v_existing.request_hash <> p_idem_hash or v_existing.status <> 'completed' then
        -- Expired, conflicting or in flight: the general path knows what to do.
        return query select 'busy', null::text, null::uuid, null::uuid, null::bigint; return;
      end if;
      return query select 'replay', v_existing.result, null::uuid, null::uuid, null::bigint; return;
    end if;
  end if;

  select a.id into v_payee from ledger_account a where a.key = 'merchant_payable/' || p_merchant || '/' || p_currency;
  if not found then
    v_payee := ledger_open_account('merchant_payable/' || p_merchant || '/' || p_currency, 'merchant_payable',
      p_currency, 'credit', true, p_payee_stripes, p_merchant, null);
  end if;
  perform ledger_transfer(p_source, v_payee, p_amount, p_currency, 'payment', 'payment:' || v_id, p_description);
  insert into payment_intent (id, merchant_id, customer_id, method, source_id, purpose, funding_account_id,
      payee_account_id, currency, amount, authorized_amount, captured_amount, refunded_amount, capture_method,
      status, method_reference, description, metadata, created_at, updated_at)
    values (v_id, p_merchant, p_customer, p_method, p_source::text, 'payment', p_source, v_payee, p_currency,
      p_amount, p_amount, p_amount, 0, 'automatic', 'captured', p_source::text, p_description, p_metadata, v_now, v_now);
  return query select 'captured', null::text, v_id, v_payee, (extract(epoch from v_now) * 1000)::bigint;
end $$;`;

export class Migration0004PayFromAccount extends Migration {
  override async up(): Promise<void> {
    this.addSql(PAY_FROM_ACCOUNT);
  }
}
