import { Migration } from '@mikro-orm/migrations';

/**
 * An erased customer (its privacy subject's key shredded) is not charged again, on the wallet's
 * batched path as on the general one: the batch finds a customer only while its subject is live,
 * so an erased one is answered `no_customer` and nothing is written. The lookup was already there
 * (0013's lateral join by key); it now joins the subject by its primary key, in the same
 * statement, so the path keeps its one round trip. The gateway tells the merchant which refusal
 * it was only after the batch refused (plugins/payments/erased-customer.ts).
 *
 * 0013's `payments_batch_items` otherwise unchanged.
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
  left join lateral (select true as found from customer c join privacy_subject ps on ps.id = c.subject_id
    where c.id = i.customer and c.merchant_id = i.merchant and ps.shredded_at is null limit 1) c on true
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

export class Migration0020ErasedCustomersInTheBatch extends Migration {
  override async up(): Promise<void> {
    this.addSql(BATCH_ITEMS);
  }
}
