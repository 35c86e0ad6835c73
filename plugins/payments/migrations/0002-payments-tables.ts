import { Migration } from '@mikro-orm/migrations';

export class Migration0002PaymentsTables extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "idempotency_record" ("scope" varchar(100) not null, "key" varchar(255) not null, "operation" varchar(60) not null, "request_hash" varchar(64) not null, "status" text not null, "result" jsonb null, "locked_until" timestamptz not null, "created_at" timestamptz not null, "expires_at" timestamptz not null, primary key ("scope", "key"));`,
    );
    this.addSql(`create index "idempotency_record_expires_at_index" on "idempotency_record" ("expires_at");`);
    this.addSql(
      `alter table "idempotency_record" add constraint "idempotency_record_status_check" check ("status" in ('in_flight', 'completed'));`,
    );
    this.addSql(
      `create table "customer" ("id" uuid not null, "merchant_id" uuid not null, "external_ref" varchar(200) not null, "jurisdiction" varchar(6) not null, "created_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(
      `alter table "customer" add constraint "customer_merchant_id_external_ref_unique" unique ("merchant_id", "external_ref");`,
    );
    this.addSql(
      `create table "payment_intent" ("id" uuid not null, "merchant_id" uuid not null, "customer_id" uuid not null, "method" varchar(60) not null, "source_id" varchar(255) not null, "purpose" varchar(20) not null, "funding_account_id" uuid not null, "payee_account_id" uuid not null, "currency" varchar(3) not null, "amount" bigint not null, "authorized_amount" bigint not null, "captured_amount" bigint not null, "refunded_amount" bigint not null, "capture_method" text not null, "status" text not null, "decline_reason" varchar(40) null, "decline_message" varchar(200) null, "action_type" text null, "action_hint" varchar(200) null, "action_expires_at" timestamptz null, "method_reference" varchar(255) null, "hold_id" uuid null, "authorization_expires_at" timestamptz null, "description" varchar(500) null, "metadata" jsonb not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(
      `create index "payment_intent_merchant_id_created_at_index" on "payment_intent" ("merchant_id", "created_at", "id");`,
    );
    this.addSql(`create index "payment_intent_customer_id_index" on "payment_intent" ("customer_id");`);
    this.addSql(
      `create index "payment_intent_authorization_expires_at_index" on "payment_intent" ("authorization_expires_at") where status in ('authorized', 'partially_captured');`,
    );
    this.addSql(
      `create index "payment_intent_action_expires_at_index" on "payment_intent" ("action_expires_at") where status = 'requires_action';`,
    );
    this.addSql(
      `alter table "payment_intent" add constraint "payment_intent_amounts_check" check (amount > 0 and authorized_amount >= 0 and authorized_amount <= amount and captured_amount >= 0 and captured_amount <= authorized_amount and refunded_amount >= 0 and refunded_amount <= captured_amount);`,
    );
    this.addSql(
      `alter table "payment_intent" add constraint "payment_intent_capture_method_check" check ("capture_method" in ('automatic', 'manual'));`,
    );
    this.addSql(
      `alter table "payment_intent" add constraint "payment_intent_status_check" check ("status" in ('created', 'requires_action', 'processing', 'authorized', 'partially_captured', 'captured', 'partially_refunded', 'refunded', 'voided', 'declined', 'failed', 'expired', 'unknown'));`,
    );
    this.addSql(
      `alter table "payment_intent" add constraint "payment_intent_action_type_check" check ("action_type" in ('otp', 'three_ds'));`,
    );
    this.addSql(
      `create table "payment_operation" ("id" uuid not null, "payment_id" uuid not null, "kind" text not null, "amount" bigint not null, "status" text not null, "from_status" text not null, "operation_key" varchar(120) not null, "reference" varchar(255) null, "decline_reason" varchar(40) null, "message" varchar(200) null, "releases_remainder" boolean not null, "hold_id" uuid null, "checks" int not null, "next_check_at" timestamptz null, "created_at" timestamptz not null, "resolved_at" timestamptz null, primary key ("id"));`,
    );
    this.addSql(
      `alter table "payment_operation" add constraint "payment_operation_operation_key_unique" unique ("operation_key");`,
    );
    this.addSql(`create index "payment_operation_payment_id_index" on "payment_operation" ("payment_id");`);
    this.addSql(
      `create index "payment_operation_due_index" on "payment_operation" ("next_check_at") where status in ('started', 'pending', 'unknown');`,
    );
    this.addSql(
      `create unique index "payment_operation_one_unresolved_unique" on "payment_operation" ("payment_id") where status in ('started', 'pending', 'unknown');`,
    );
    this.addSql(
      `alter table "payment_operation" add constraint "payment_operation_kind_check" check ("kind" in ('authorize', 'confirm', 'capture', 'void', 'refund'));`,
    );
    this.addSql(
      `alter table "payment_operation" add constraint "payment_operation_status_check" check ("status" in ('started', 'succeeded', 'failed', 'pending', 'unknown'));`,
    );
    this.addSql(
      `alter table "payment_operation" add constraint "payment_operation_from_status_check" check ("from_status" in ('created', 'requires_action', 'processing', 'authorized', 'partially_captured', 'captured', 'partially_refunded', 'refunded', 'voided', 'declined', 'failed', 'expired', 'unknown'));`,
    );
    this.addSql(
      `alter table "customer" add constraint "customer_merchant_id_foreign" foreign key ("merchant_id") references "merchant" ("id");`,
    );
    this.addSql(
      `alter table "payment_intent" add constraint "payment_intent_customer_id_foreign" foreign key ("customer_id") references "customer" ("id");`,
    );
    this.addSql(
      `alter table "payment_intent" add constraint "payment_intent_funding_account_id_foreign" foreign key ("funding_account_id") references "ledger_account" ("id");`,
    );
    this.addSql(
      `alter table "payment_intent" add constraint "payment_intent_hold_id_foreign" foreign key ("hold_id") references "ledger_hold" ("id") on delete set null;`,
    );
    this.addSql(
      `alter table "payment_operation" add constraint "payment_operation_payment_id_foreign" foreign key ("payment_id") references "payment_intent" ("id");`,
    );
    this.addSql(
      `alter table "payment_operation" add constraint "payment_operation_hold_id_foreign" foreign key ("hold_id") references "ledger_hold" ("id") on delete set null;`,
    );
  }
}
