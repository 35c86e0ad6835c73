import { Migration } from '@mikro-orm/migrations';

export class Migration0001TotpTables extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "totp_factor" ("id" uuid not null, "api_key_id" uuid null, "merchant_id" uuid null, "customer_ref" varchar(200) null, "secret_sealed" text not null, "last_used_step" int null, "failed_attempts" int not null, "lockouts" int not null, "locked_until" timestamptz null, "created_at" timestamptz not null, "activated_at" timestamptz null, primary key ("id"));`,
    );
    this.addSql(
      `alter table "totp_factor" add constraint "totp_factor_api_key_id_unique" unique ("api_key_id");`,
    );
    this.addSql(
      `alter table "totp_factor" add constraint "totp_factor_merchant_id_customer_ref_unique" unique ("merchant_id", "customer_ref");`,
    );
    this.addSql(
      `create table "totp_recovery_code" ("id" uuid not null, "factor_id" uuid not null, "code_hash" varchar(64) not null, "used_at" timestamptz null, "created_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(
      `alter table "totp_recovery_code" add constraint "totp_recovery_code_factor_id_code_hash_unique" unique ("factor_id", "code_hash");`,
    );
    this.addSql(
      `alter table "totp_factor" add constraint "totp_factor_api_key_id_foreign" foreign key ("api_key_id") references "api_key" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "totp_factor" add constraint "totp_factor_merchant_id_foreign" foreign key ("merchant_id") references "merchant" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "totp_recovery_code" add constraint "totp_recovery_code_factor_id_foreign" foreign key ("factor_id") references "totp_factor" ("id") on delete cascade;`,
    );
  }
}
