import { Migration } from '@mikro-orm/migrations';

/**
 * Data subject requests and their audit. A request's status is durable so that a process killed
 * while it works on one leaves it to be resumed, never half done; `claimed_until` is how
 * processes share the scheduled work. The audit is append-only (a trigger refuses UPDATE and
 * DELETE): it is the proof that each request was answered, and when.
 */
export class Migration0001SubjectRequests extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "subject_request" ("id" uuid not null, "merchant_id" uuid not null, "subject_id" uuid not null, "customer_id" uuid null, "kind" varchar(20) not null, "status" varchar(24) not null, "channel" varchar(20) not null, "filed_by" varchar(100) not null, "received_at" timestamptz not null, "law" varchar(40) null, "rule" varchar(300) null, "acknowledge_by" timestamptz null, "acknowledged_at" timestamptz null, "due_at" timestamptz null, "extended_at" timestamptz null, "extension_reason" text null, "verified_at" timestamptz null, "verification" varchar(100) null, "details_sealed" text null, "overdue_at" timestamptz null, "claimed_until" timestamptz null, "completed_at" timestamptz null, "answer" jsonb null, "refusal_reason" text null, "updated_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(`create index "subject_request_open_due" on "subject_request" ("status", "due_at");`);
    this.addSql(
      `create index "subject_request_merchant_subject" on "subject_request" ("merchant_id", "subject_id");`,
    );
    this.addSql(
      `alter table "subject_request" add constraint "subject_request_merchant_id_foreign" foreign key ("merchant_id") references "merchant" ("id");`,
    );
    this.addSql(
      `create table "subject_request_change" ("id" uuid not null, "request_id" uuid not null, "from_status" varchar(24) null, "to_status" varchar(24) not null, "action" varchar(24) not null, "actor" varchar(100) not null, "note" text null, "at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(
      `create index "subject_request_change_request" on "subject_request_change" ("request_id", "at");`,
    );
    this.addSql(
      `alter table "subject_request_change" add constraint "subject_request_change_request_id_foreign" foreign key ("request_id") references "subject_request" ("id");`,
    );
    this.addSql(`create function subject_request_change_append_only() returns trigger language plpgsql as $$
      begin
        raise exception 'subject_request_change is append-only: it is the proof that requests were answered';
      end $$;`);
    this.addSql(
      `create trigger "subject_request_change_append_only" before update or delete on "subject_request_change" for each row execute function subject_request_change_append_only();`,
    );
  }
}
