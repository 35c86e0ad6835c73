import { Migration } from '@mikro-orm/migrations';

/**
 * Merchant settings: the step-up threshold per currency, the default capture method and the
 * authorization hold were gateway-wide options; a merchant's own values now override them. One
 * row per merchant (null where the gateway's option applies) carrying the audit change that wrote
 * it as its version, and the append-only audit. Processes hold the rows in memory and hear of
 * changes through the kernel's change feed (LISTEN/NOTIFY), as with plugin switches.
 */
export class Migration0014MerchantSettings extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "merchant_settings" ("merchant_id" uuid not null, "step_up_at_or_above" jsonb null, "default_capture_method" text null, "authorization_hold_hours" int null, "version" bigint not null, primary key ("merchant_id"));`,
    );
    this.addSql(
      `alter table "merchant_settings" add constraint "merchant_settings_default_capture_method_check" check ("default_capture_method" in ('automatic', 'manual'));`,
    );
    this.addSql(
      `create table "merchant_settings_change" ("id" bigserial primary key, "merchant_id" uuid not null, "before" jsonb not null, "after" jsonb not null, "reason" varchar(500) not null, "actor_key_id" uuid not null, "changed_at" timestamptz not null);`,
    );
    this.addSql(
      `create index "merchant_settings_change_merchant_id_id_index" on "merchant_settings_change" ("merchant_id", "id");`,
    );
  }
}
