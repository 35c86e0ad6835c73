import { Migration } from '@mikro-orm/migrations';

export class Migration0002Webhooks extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "webhook_endpoint" ("id" uuid not null, "partner_id" uuid null, "merchant_id" uuid null, "url" varchar(2048) not null, "description" varchar(200) null, "event_types" text[] not null, "secret_sealed" text not null, "previous_secret_sealed" text null, "previous_secret_expires_at" timestamptz null, "created_at" timestamptz not null, "disabled_at" timestamptz null, primary key ("id"));`,
    );
    this.addSql(
      `create table "webhook_delivery" ("id" uuid not null, "endpoint_id" uuid not null, "event_id" uuid not null, "state" text not null, "attempts" int not null, "next_attempt_at" timestamptz not null, "lease_token" uuid null, "created_at" timestamptz not null, "delivered_at" timestamptz null, primary key ("id"));`,
    );
    this.addSql(`create index "webhook_delivery_event_id_index" on "webhook_delivery" ("event_id");`);
    this.addSql(
      `create index "webhook_delivery_due_idx" on "webhook_delivery" ("state", "next_attempt_at");`,
    );
    this.addSql(
      `alter table "webhook_delivery" add constraint "webhook_delivery_endpoint_id_event_id_unique" unique ("endpoint_id", "event_id");`,
    );
    this.addSql(
      `alter table "webhook_delivery" add constraint "webhook_delivery_state_check" check ("state" in ('pending', 'delivered', 'failed'));`,
    );
    this.addSql(
      `create table "webhook_attempt" ("id" uuid not null, "delivery_id" uuid not null, "number" int not null, "started_at" timestamptz not null, "duration_ms" int not null, "status_code" smallint null, "error" varchar(200) null, "succeeded" boolean not null, primary key ("id"));`,
    );
    this.addSql(`create index "webhook_attempt_delivery_id_index" on "webhook_attempt" ("delivery_id");`);
    this.addSql(
      `alter table "webhook_endpoint" add constraint "webhook_endpoint_partner_id_foreign" foreign key ("partner_id") references "partner" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "webhook_endpoint" add constraint "webhook_endpoint_merchant_id_foreign" foreign key ("merchant_id") references "merchant" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "webhook_delivery" add constraint "webhook_delivery_endpoint_id_foreign" foreign key ("endpoint_id") references "webhook_endpoint" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "webhook_delivery" add constraint "webhook_delivery_event_id_foreign" foreign key ("event_id") references "gateway_event" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "webhook_attempt" add constraint "webhook_attempt_delivery_id_foreign" foreign key ("delivery_id") references "webhook_delivery" ("id") on delete cascade;`,
    );
  }
}
