import { Migration } from '@mikro-orm/migrations';

export class Migration0001EventLog extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "event_log_head" ("id" smallint primary key, "position" bigint not null, "purged_through" bigint not null);`,
    );
    this.addSql(`insert into "event_log_head" ("id", "position", "purged_through") values (1, 0, 0);`);
    this.addSql(
      `create table "gateway_event" ("id" uuid not null, "insert_order" bigserial, "position" bigint null, "type" varchar(100) not null, "merchant_id" uuid not null, "payload" jsonb not null, "created_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(
      `alter table "gateway_event" add constraint "gateway_event_position_unique" unique ("position");`,
    );
    this.addSql(
      `create index "gateway_event_unsequenced_idx" on "gateway_event" ("insert_order") where "position" is null;`,
    );
    this.addSql(`create index "gateway_event_created_at_idx" on "gateway_event" ("created_at");`);
    this.addSql(
      `create index "gateway_event_merchant_position_idx" on "gateway_event" ("merchant_id", "position");`,
    );
  }
}
