import { Migration } from '@mikro-orm/migrations';

/**
 * A wallet payment's id may be chosen before the batch runs: `payment.beforeAuthorize` handlers
 * (the fraud plugin) store their answer under the id the payment will have, on the batched path
 * as on the general one. 0009's item lookup takes the item's `paymentId` when it has one and
 * draws a new id otherwise, as before; nothing else of the batch changes.
 */
export class Migration0012ChosenPaymentIds extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create or replace function payments_batch_items(p_items jsonb) returns setof payments_batch_item
  language plpgsql as $$
begin
  return query select i.n, coalesce(i."paymentId", gen_random_uuid()), i.merchant, i.customer, i.method, i.source,
    i.amount, i.currency, i.description, i.metadata, i."idemScope", i."idemKey", i."idemOperation", i."idemHash",
    c.found is not null and s.currency is not distinct from i.currency,
    c.found is not null, s.currency::text, ledger_shard(s.shards), p.id, ledger_shard(p.shards)
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
    where p.key = 'merchant_payable/' || i.merchant || '/' || i.currency limit 1) p on true;
end $$;`);
  }
}
