/**
 * Personal-data breaches an operator records (issue 11, part 3). The gateway keeps when the
 * breach was discovered (every notification clock runs from it), what happened, the kinds of data
 * and how many subjects per jurisdiction, never who: the record itself must not become a second
 * copy of the breached data. Notifications and their deadlines are computed from the installed
 * regulation packs when read, so a corrected pack corrects every listing.
 */
import { Migration } from '@mikro-orm/migrations';

export class Migration0002PrivacyBreaches extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "privacy_breach" ("id" uuid not null, "merchant_id" uuid not null, "discovered_at" timestamptz not null, "description" text not null, "data_categories" jsonb not null, "affected" jsonb not null, "recorded_by_kind" text not null, "recorded_by_key_id" uuid not null, "recorded_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(
      `create index "privacy_breach_merchant_id_discovered_at_index" on "privacy_breach" ("merchant_id", "discovered_at");`,
    );
    this.addSql(
      `alter table "privacy_breach" add constraint "privacy_breach_recorded_by_kind_check" check ("recorded_by_kind" in ('operator', 'merchant', 'partner'));`,
    );
    this.addSql(
      `alter table "privacy_breach" add constraint "privacy_breach_merchant_id_foreign" foreign key ("merchant_id") references "merchant" ("id");`,
    );
  }
}
