/**
 * Per-merchant plugin switches and their audit.
 *
 * - A switch row exists only once an operator has decided for a (merchant, plugin); otherwise the
 *   plugin's declared default applies. Merchants created later need no rows, and a plugin release
 *   that changes its default reaches every merchant no one decided for.
 * - The audit row is the change itself; the switch row points at the one in force, so "who, when,
 *   why" is stored once. The audit id doubles as the version each process keeps in memory: a
 *   change to a merchant locks its row (`for no key update`, which does not block the `for key
 *   share` of foreign-key checks, so payments keep flowing), so later changes get larger ids.
 * - Audit rows are never rewritten (a trigger refuses updates). Deleting stays possible, for
 *   retention and erasure.
 * - Other processes learn of a change by a NOTIFY the service sends in the changing transaction
 *   (delivered on commit), not by a trigger: the service is the only writer, and its payload
 *   carries the version.
 */
import { Migration } from '@mikro-orm/migrations';

export class Migration0001PluginSwitches extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "plugin_switch_audit" ("id" bigserial primary key, "merchant_id" uuid not null, "plugin" varchar(100) not null, "before" boolean not null, "after" boolean not null, "reason" varchar(500) not null, "actor_kind" text not null, "actor_key_id" uuid not null, "changed_at" timestamptz not null);`,
    );
    this.addSql(
      `create index "plugin_switch_audit_merchant_id_id_index" on "plugin_switch_audit" ("merchant_id", "id");`,
    );
    this.addSql(
      `alter table "plugin_switch_audit" add constraint "plugin_switch_audit_actor_kind_check" check ("actor_kind" in ('operator', 'merchant', 'partner'));`,
    );
    this.addSql(
      `alter table "plugin_switch_audit" add constraint "plugin_switch_audit_merchant_id_foreign" foreign key ("merchant_id") references "merchant" ("id");`,
    );
    this.addSql(
      `create table "plugin_switch" ("id" uuid not null, "merchant_id" uuid not null, "plugin" varchar(100) not null, "enabled" boolean not null, "last_change_id" bigint not null, primary key ("id"));`,
    );
    this.addSql(
      `alter table "plugin_switch" add constraint "plugin_switch_merchant_id_plugin_unique" unique ("merchant_id", "plugin");`,
    );
    this.addSql(
      `alter table "plugin_switch" add constraint "plugin_switch_merchant_id_foreign" foreign key ("merchant_id") references "merchant" ("id");`,
    );
    this.addSql(
      `alter table "plugin_switch" add constraint "plugin_switch_last_change_id_foreign" foreign key ("last_change_id") references "plugin_switch_audit" ("id");`,
    );
    this.addSql(`create function plugin_switch_audit_append_only() returns trigger language plpgsql as $$
      begin
        raise exception 'plugin_switch_audit rows are never rewritten: record a new change instead';
      end $$;`);
    this.addSql(
      `create trigger plugin_switch_audit_append_only before update on "plugin_switch_audit" for each row execute function plugin_switch_audit_append_only();`,
    );
  }
}
