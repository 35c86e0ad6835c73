import { Migration } from '@mikro-orm/migrations';

export class Migration0001CarrierBillingTables extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "carrier_billing_key" ("id" varchar(32) not null, "sealed_key" text not null, "created_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(
      `create table "carrier_subscriber" ("id" uuid not null, "phone_index" varchar(64) not null, "phone_sealed" text not null, "carrier" text not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(
      `alter table "carrier_subscriber" add constraint "carrier_subscriber_phone_index_unique" unique ("phone_index");`,
    );
    this.addSql(
      `alter table "carrier_subscriber" add constraint "carrier_subscriber_carrier_check" check ("carrier" in ('SKT', 'KT', 'LGU'));`,
    );
    this.addSql(
      `create table "carrier_sandbox_message" ("id" uuid not null, "subscriber_id" uuid not null, "purpose" text not null, "reference" uuid not null, "sealed_body" text not null, "created_at" timestamptz not null, "expires_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(
      `create index "carrier_sandbox_message_subscriber_id_created_at_index" on "carrier_sandbox_message" ("subscriber_id", "created_at");`,
    );
    this.addSql(
      `alter table "carrier_sandbox_message" add constraint "carrier_sandbox_message_purpose_check" check ("purpose" in ('verification', 'payment'));`,
    );
    this.addSql(
      `create table "carrier_monthly_usage" ("subscriber_id" uuid not null, "month" varchar(7) not null, "used" bigint not null, "updated_at" timestamptz not null, primary key ("subscriber_id", "month"));`,
    );
    this.addSql(
      `create table "carrier_verification" ("id" uuid not null, "subscriber_id" uuid not null, "merchant_id" uuid not null, "customer_ref" varchar(200) null, "code_hash" varchar(64) not null, "attempts" int not null default 0, "expires_at" timestamptz not null, "verified_at" timestamptz null, "created_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(
      `create index "carrier_verification_subscriber_id_created_at_index" on "carrier_verification" ("subscriber_id", "created_at");`,
    );
    this.addSql(
      `create table "carrier_billing_source" ("id" uuid not null, "subscriber_id" uuid not null, "merchant_id" uuid not null, "customer_ref" varchar(200) null, "carrier" text not null, "created_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(
      `alter table "carrier_billing_source" add constraint "carrier_billing_source_carrier_check" check ("carrier" in ('SKT', 'KT', 'LGU'));`,
    );
    this.addSql(
      `create table "carrier_charge" ("id" uuid not null, "operation_key" varchar(255) not null, "source_id" uuid not null, "subscriber_id" uuid not null, "merchant_id" uuid not null, "currency" varchar(3) not null, "amount" bigint not null, "status" text not null, "decline_reason" text null, "month" varchar(7) null, "code_hash" varchar(64) null, "code_expires_at" timestamptz null, "captured" bigint not null default '0', "refunded" bigint not null default '0', "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(
      `alter table "carrier_charge" add constraint "carrier_charge_operation_key_unique" unique ("operation_key");`,
    );
    this.addSql(
      `alter table "carrier_charge" add constraint "carrier_charge_status_check" check ("status" in ('requires_action', 'authorized', 'declined', 'voided'));`,
    );
    this.addSql(
      `alter table "carrier_charge" add constraint "carrier_charge_decline_reason_check" check ("decline_reason" in ('limit_exceeded', 'authentication_failed', 'do_not_honor'));`,
    );
    this.addSql(
      `create table "carrier_charge_operation" ("operation_key" varchar(255) not null, "charge_id" uuid not null, "kind" text not null, "amount" bigint not null, "approved" boolean not null, "decline_reason" text null, "message" varchar(200) null, "created_at" timestamptz not null, primary key ("operation_key"));`,
    );
    this.addSql(
      `alter table "carrier_charge_operation" add constraint "carrier_charge_operation_kind_check" check ("kind" in ('confirm', 'capture', 'void', 'refund'));`,
    );
    this.addSql(
      `alter table "carrier_charge_operation" add constraint "carrier_charge_operation_decline_reason_check" check ("decline_reason" in ('limit_exceeded', 'authentication_failed', 'do_not_honor'));`,
    );
    // The ledgers' own invariants, enforced below the code that keeps them.
    this.addSql(
      `alter table "carrier_monthly_usage" add constraint "carrier_monthly_usage_used_check" check ("used" >= 0);`,
    );
    this.addSql(
      `alter table "carrier_charge" add constraint "carrier_charge_amounts_check" check ("captured" >= 0 and "captured" <= "amount" and "refunded" >= 0 and "refunded" <= "captured");`,
    );
    this.addSql(
      `alter table "carrier_sandbox_message" add constraint "carrier_sandbox_message_subscriber_id_foreign" foreign key ("subscriber_id") references "carrier_subscriber" ("id");`,
    );
    this.addSql(
      `alter table "carrier_monthly_usage" add constraint "carrier_monthly_usage_subscriber_id_foreign" foreign key ("subscriber_id") references "carrier_subscriber" ("id");`,
    );
    this.addSql(
      `alter table "carrier_verification" add constraint "carrier_verification_subscriber_id_foreign" foreign key ("subscriber_id") references "carrier_subscriber" ("id");`,
    );
    this.addSql(
      `alter table "carrier_billing_source" add constraint "carrier_billing_source_subscriber_id_foreign" foreign key ("subscriber_id") references "carrier_subscriber" ("id");`,
    );
    this.addSql(
      `alter table "carrier_charge" add constraint "carrier_charge_source_id_foreign" foreign key ("source_id") references "carrier_billing_source" ("id");`,
    );
    this.addSql(
      `alter table "carrier_charge" add constraint "carrier_charge_subscriber_id_foreign" foreign key ("subscriber_id") references "carrier_subscriber" ("id");`,
    );
    this.addSql(
      `alter table "carrier_charge_operation" add constraint "carrier_charge_operation_charge_id_foreign" foreign key ("charge_id") references "carrier_charge" ("id");`,
    );
    this.addSql(
      `alter table "carrier_verification" add constraint "carrier_verification_merchant_id_foreign" foreign key ("merchant_id") references "merchant" ("id");`,
    );
    this.addSql(
      `alter table "carrier_billing_source" add constraint "carrier_billing_source_merchant_id_foreign" foreign key ("merchant_id") references "merchant" ("id");`,
    );
  }
}
