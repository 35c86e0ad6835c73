import { Migration } from '@mikro-orm/migrations';

/**
 * A subject's exports and their files, stored in the database so that any gateway process can
 * build an export (work is claimed row by row) and serve its download. Files are kept as
 * chunks of a gzip stream, each sealed under the subject's key: a download streams them one
 * by one, and shredding the subject makes a forgotten export unreadable. Deleting an export
 * deletes its chunks (cascade), which is how the cleanup removes an expired one.
 */
export class Migration0001ExportTables extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "portability_export" ("id" uuid not null, "merchant_id" uuid not null, "subject_id" uuid not null, "kind" varchar(20) not null, "request_id" uuid null, "status" varchar(20) not null, "claim" uuid null, "claimed_until" timestamptz null, "format_version" int not null, "files" jsonb not null, "failure" varchar(200) null, "created_at" timestamptz not null, "ready_at" timestamptz null, "expires_at" timestamptz not null, primary key ("id"),
        constraint "portability_export_kind_check" check ("kind" in ('access', 'portability')),
        constraint "portability_export_status_check" check ("status" in ('pending', 'building', 'ready', 'failed')));`,
    );
    this.addSql(
      `alter table "portability_export" add constraint "portability_export_merchant_id_foreign" foreign key ("merchant_id") references "merchant" ("id");`,
    );
    this.addSql(
      `alter table "portability_export" add constraint "portability_export_subject_id_foreign" foreign key ("subject_id") references "privacy_subject" ("id");`,
    );
    this.addSql(
      `create index "portability_export_work_index" on "portability_export" ("status", "claimed_until");`,
    );
    this.addSql(`create index "portability_export_expires_at_index" on "portability_export" ("expires_at");`);
    this.addSql(
      `create table "portability_export_chunk" ("export_id" uuid not null, "file" varchar(200) not null, "seq" int not null, "data" text not null, primary key ("export_id", "file", "seq"));`,
    );
    this.addSql(
      `alter table "portability_export_chunk" add constraint "portability_export_chunk_export_id_foreign" foreign key ("export_id") references "portability_export" ("id") on delete cascade;`,
    );
  }
}
