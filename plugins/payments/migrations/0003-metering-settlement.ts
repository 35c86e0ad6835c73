import { Migration } from '@mikro-orm/migrations';

export class Migration0003MeteringSettlement extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "payout" ("id" uuid not null, "merchant_id" uuid not null, "currency" varchar(3) not null, "amount" bigint not null, "period_end" timestamptz not null, "line_count" int not null, "status" text not null, "entry_id" uuid not null, "bank_reference" varchar(100) null, "created_at" timestamptz not null, "paid_at" timestamptz null, primary key ("id"));`,
    );
    this.addSql(
      `alter table "payout" add constraint "payout_merchant_id_currency_period_end_unique" unique ("merchant_id", "currency", "period_end");`,
    );
    this.addSql(`alter table "payout" add constraint "payout_amount_check" check (amount > 0);`);
    this.addSql(
      `alter table "payout" add constraint "payout_status_check" check ("status" in ('pending', 'paid'));`,
    );
    this.addSql(
      `create table "usage_meter" ("id" uuid not null, "merchant_id" uuid not null, "customer_id" uuid not null, "currency" varchar(3) not null, "unit_price_micros" bigint not null, "method" varchar(60) not null, "funding_account_id" uuid not null, "description" varchar(200) null, "accrued_micros" bigint not null, "billed_minor" bigint not null, "created_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(
      `alter table "usage_meter" add constraint "usage_meter_amounts_check" check (unit_price_micros > 0 and accrued_micros >= 0 and billed_minor >= 0);`,
    );
    this.addSql(
      `create table "usage_record" ("id" uuid not null, "meter_id" uuid not null, "kind" text not null, "quantity" bigint not null, "amount_micros" bigint not null, "entry_id" uuid null, "created_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(
      `create index "usage_record_meter_id_created_at_index" on "usage_record" ("meter_id", "created_at");`,
    );
    this.addSql(
      `alter table "usage_record" add constraint "usage_record_kind_check" check ("kind" in ('usage', 'charge'));`,
    );
    this.addSql(
      `alter table "payout" add constraint "payout_merchant_id_foreign" foreign key ("merchant_id") references "merchant" ("id");`,
    );
    this.addSql(
      `alter table "payout" add constraint "payout_entry_id_foreign" foreign key ("entry_id") references "journal_entry" ("id");`,
    );
    this.addSql(
      `alter table "usage_meter" add constraint "usage_meter_merchant_id_foreign" foreign key ("merchant_id") references "merchant" ("id");`,
    );
    this.addSql(
      `alter table "usage_meter" add constraint "usage_meter_customer_id_foreign" foreign key ("customer_id") references "customer" ("id");`,
    );
    this.addSql(
      `alter table "usage_meter" add constraint "usage_meter_funding_account_id_foreign" foreign key ("funding_account_id") references "ledger_account" ("id");`,
    );
    this.addSql(
      `alter table "usage_record" add constraint "usage_record_meter_id_foreign" foreign key ("meter_id") references "usage_meter" ("id");`,
    );
    this.addSql(
      `alter table "usage_record" add constraint "usage_record_entry_id_foreign" foreign key ("entry_id") references "journal_entry" ("id") on delete set null;`,
    );
  }
}
