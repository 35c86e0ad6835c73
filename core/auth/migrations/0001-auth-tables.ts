import { Migration } from '@mikro-orm/migrations';

export class Migration0001AuthTables extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "merchant" ("id" uuid not null, "name" varchar(200) not null, "created_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(
      `create table "partner" ("id" uuid not null, "name" varchar(200) not null, "created_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(
      `create table "customer_session" ("id" uuid not null, "token_hash" varchar(64) not null, "merchant_id" uuid not null, "customer_ref" varchar(200) not null, "created_at" timestamptz not null, "expires_at" timestamptz not null, "revoked_at" timestamptz null, primary key ("id"));`,
    );
    this.addSql(
      `alter table "customer_session" add constraint "customer_session_token_hash_unique" unique ("token_hash");`,
    );
    this.addSql(
      `create table "api_key" ("id" uuid not null, "kind" text not null, "label" varchar(200) not null, "prefix" varchar(16) not null, "secret_hash" varchar(64) not null, "merchant_id" uuid null, "partner_id" uuid null, "created_at" timestamptz not null, "revoked_at" timestamptz null, primary key ("id"));`,
    );
    this.addSql(`alter table "api_key" add constraint "api_key_secret_hash_unique" unique ("secret_hash");`);
    this.addSql(
      `alter table "api_key" add constraint "api_key_kind_check" check ("kind" in ('operator', 'merchant', 'partner'));`,
    );
    this.addSql(
      `create table "partner_grant" ("id" uuid not null, "partner_id" uuid not null, "merchant_id" uuid not null, "created_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(
      `alter table "partner_grant" add constraint "partner_grant_partner_id_merchant_id_unique" unique ("partner_id", "merchant_id");`,
    );
    this.addSql(
      `alter table "customer_session" add constraint "customer_session_merchant_id_foreign" foreign key ("merchant_id") references "merchant" ("id");`,
    );
    this.addSql(
      `alter table "api_key" add constraint "api_key_merchant_id_foreign" foreign key ("merchant_id") references "merchant" ("id") on delete set null;`,
    );
    this.addSql(
      `alter table "api_key" add constraint "api_key_partner_id_foreign" foreign key ("partner_id") references "partner" ("id") on delete set null;`,
    );
    this.addSql(
      `alter table "partner_grant" add constraint "partner_grant_partner_id_foreign" foreign key ("partner_id") references "partner" ("id");`,
    );
    this.addSql(
      `alter table "partner_grant" add constraint "partner_grant_merchant_id_foreign" foreign key ("merchant_id") references "merchant" ("id");`,
    );
  }
}
