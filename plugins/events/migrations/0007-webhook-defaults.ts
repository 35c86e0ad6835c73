import { Migration } from '@mikro-orm/migrations';

/**
 * Webhook defaults per merchant, set by operators: the event types of an endpoint created without
 * any, and a retry window shorter than the plugin's `webhooks.retryForMs`. Owned by the events
 * plugin (not added to the payments plugin's merchant_settings, which this plugin must not
 * depend on), with the same shape: one row per merchant (null where the options apply) carrying
 * the audit change that wrote it as its version, and the append-only audit. Processes hold the
 * rows in memory and hear of changes through the kernel's change feed.
 */
export class Migration0007WebhookDefaults extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "webhook_defaults" ("merchant_id" uuid not null, "event_types" text[] null, "retry_for_seconds" int null, "version" bigint not null, primary key ("merchant_id"));`,
    );
    this.addSql(
      `create table "webhook_defaults_change" ("id" bigserial primary key, "merchant_id" uuid not null, "before" jsonb not null, "after" jsonb not null, "reason" varchar(500) not null, "actor_key_id" uuid not null, "changed_at" timestamptz not null);`,
    );
    this.addSql(
      `create index "webhook_defaults_change_merchant_id_id_index" on "webhook_defaults_change" ("merchant_id", "id");`,
    );
  }
}
