import { Migration } from '@mikro-orm/migrations';

export class Migration0001WalletTables extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "wallet" ("id" uuid not null, "merchant_id" uuid not null, "customer_id" uuid not null, "currency" varchar(3) not null, "created_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(
      `alter table "wallet" add constraint "wallet_customer_id_currency_unique" unique ("customer_id", "currency");`,
    );
    this.addSql(
      `alter table "wallet" add constraint "wallet_merchant_id_foreign" foreign key ("merchant_id") references "merchant" ("id");`,
    );
    this.addSql(
      `alter table "wallet" add constraint "wallet_customer_id_foreign" foreign key ("customer_id") references "customer" ("id");`,
    );
  }
}
