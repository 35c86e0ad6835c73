import { Migration } from '@mikro-orm/migrations';

// Written from `npm run gateway -- migrate draft` (see docs/plugin-authoring.md).
export class Migration0001Guestbook extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "guestbook_entry" ("id" uuid not null, "merchant_id" uuid not null, "author" varchar(100) not null, "message" text not null, "created_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(`create index "guestbook_entry_merchant_id_index" on "guestbook_entry" ("merchant_id");`);
  }
}
