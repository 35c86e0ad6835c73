import { Migration } from '@mikro-orm/migrations';

export class Migration0001SandboxCardTables extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "sandbox_card_token" ("id" uuid not null, "merchant_id" uuid not null, "customer_ref" varchar(200) null, "brand" text not null, "last4" varchar(4) not null, "exp_month" smallint not null, "exp_year" smallint not null, "behaviour" text not null, "created_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(
      `alter table "sandbox_card_token" add constraint "sandbox_card_token_brand_check" check ("brand" in ('visa', 'mastercard', 'amex'));`,
    );
    this.addSql(
      `alter table "sandbox_card_token" add constraint "sandbox_card_token_behaviour_check" check ("behaviour" in ('approve', 'three_ds', 'timeout', 'slow', 'do_not_honor', 'insufficient_funds', 'stolen_card', 'lost_card', 'expired_card', 'incorrect_cvc'));`,
    );
    this.addSql(
      `create table "sandbox_card_authorization" ("id" uuid not null, "operation_key" varchar(255) not null, "token_id" uuid not null, "merchant_id" uuid not null, "currency" varchar(3) not null, "amount" bigint not null, "status" text not null, "decline_reason" text null, "captured" bigint not null default '0', "refunded" bigint not null default '0', "challenge_expires_at" timestamptz null, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(
      `alter table "sandbox_card_authorization" add constraint "sandbox_card_authorization_operation_key_unique" unique ("operation_key");`,
    );
    this.addSql(
      `alter table "sandbox_card_authorization" add constraint "sandbox_card_authorization_status_check" check ("status" in ('requires_action', 'authorized', 'declined', 'voided'));`,
    );
    this.addSql(
      `alter table "sandbox_card_authorization" add constraint "sandbox_card_authorization_decline_reason_check" check ("decline_reason" in ('do_not_honor', 'insufficient_funds', 'stolen_card', 'lost_card', 'expired_card', 'incorrect_cvc', 'authentication_failed'));`,
    );
    // The network's own invariants, enforced below the code that keeps them.
    this.addSql(
      `alter table "sandbox_card_authorization" add constraint "sandbox_card_authorization_amounts_check" check ("captured" >= 0 and "captured" <= "amount" and "refunded" >= 0 and "refunded" <= "captured");`,
    );
    this.addSql(
      `create table "sandbox_card_operation" ("operation_key" varchar(255) not null, "authorization_id" uuid not null, "kind" text not null, "amount" bigint not null, "approved" boolean not null, "decline_reason" text null, "message" varchar(200) null, "created_at" timestamptz not null, primary key ("operation_key"));`,
    );
    this.addSql(
      `alter table "sandbox_card_operation" add constraint "sandbox_card_operation_kind_check" check ("kind" in ('confirm', 'capture', 'void', 'refund'));`,
    );
    this.addSql(
      `alter table "sandbox_card_operation" add constraint "sandbox_card_operation_decline_reason_check" check ("decline_reason" in ('do_not_honor', 'insufficient_funds', 'stolen_card', 'lost_card', 'expired_card', 'incorrect_cvc', 'authentication_failed'));`,
    );
    this.addSql(
      `alter table "sandbox_card_token" add constraint "sandbox_card_token_merchant_id_foreign" foreign key ("merchant_id") references "merchant" ("id");`,
    );
    this.addSql(
      `alter table "sandbox_card_authorization" add constraint "sandbox_card_authorization_token_id_foreign" foreign key ("token_id") references "sandbox_card_token" ("id");`,
    );
    this.addSql(
      `alter table "sandbox_card_operation" add constraint "sandbox_card_operation_authorization_id_foreign" foreign key ("authorization_id") references "sandbox_card_authorization" ("id");`,
    );
  }
}
