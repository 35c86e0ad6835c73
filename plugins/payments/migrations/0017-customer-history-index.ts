import { Migration } from '@mikro-orm/migrations';

/**
 * A subject's export and erasure (issue 12) read a customer's payments oldest first, a page of
 * 1000 at a time, by keyset on (created_at, id). With the index on `customer_id` alone, each
 * page sorted the customer's whole history again (100,000 payments: 100 sorts of 100,000 rows);
 * on (customer_id, created_at, id) each page is one ordered range read. It replaces the old
 * index, which it covers (its first column), so a payment's insert maintains no more indexes.
 */
export class Migration0017CustomerHistoryIndex extends Migration {
  override async up(): Promise<void> {
    this.addSql('drop index "payment_intent_customer_id_index";');
    this.addSql(
      'create index "payment_intent_customer_id_created_at_id_index" on "payment_intent" ("customer_id", "created_at", "id");',
    );
  }
}
