import { Migration } from '@mikro-orm/migrations';

/**
 * Notices and receipts. Both are proof, so both are append-only: a trigger refuses UPDATE and
 * DELETE, and each receipt also carries the hash of its subject's previous one, so that a change
 * made around the trigger (by the table's owner) is found by `gateway privacy verify-receipts`.
 */
export class Migration0001ConsentTables extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "consent_notice" ("id" uuid not null, "merchant_id" uuid not null, "key" varchar(100) not null, "version" int not null, "language" varchar(16) not null, "territories" jsonb not null, "content" jsonb not null, "content_hash" varchar(64) not null, "published_by" varchar(100) not null, "published_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(
      `alter table "consent_notice" add constraint "consent_notice_merchant_id_key_language_version_unique" unique ("merchant_id", "key", "language", "version");`,
    );
    this.addSql(
      `create table "consent_receipt" ("id" uuid not null, "merchant_id" uuid not null, "subject_id" uuid not null, "sequence" int not null, "notice_id" uuid not null, "notice_key" varchar(100) not null, "notice_version" int not null, "notice_hash" varchar(64) not null, "language" varchar(16) not null, "decisions" jsonb not null, "method" varchar(20) not null, "collection_point" varchar(200) not null, "personal_sealed" text not null, "guardian_verification" varchar(40) null, "recorded_by" varchar(100) not null, "recorded_at" timestamptz not null, "conflict" jsonb null, "previous_hash" varchar(64) null, "hash" varchar(64) not null, primary key ("id"));`,
    );
    this.addSql(
      `alter table "consent_receipt" add constraint "consent_receipt_subject_id_sequence_unique" unique ("subject_id", "sequence");`,
    );
    this.addSql(
      `alter table "consent_notice" add constraint "consent_notice_merchant_id_foreign" foreign key ("merchant_id") references "merchant" ("id");`,
    );
    this.addSql(
      `alter table "consent_receipt" add constraint "consent_receipt_merchant_id_foreign" foreign key ("merchant_id") references "merchant" ("id");`,
    );
    this.addSql(
      `alter table "consent_receipt" add constraint "consent_receipt_notice_id_foreign" foreign key ("notice_id") references "consent_notice" ("id");`,
    );
    this.addSql(`create function consent_append_only() returns trigger language plpgsql as $$
      begin
        raise exception '% is append-only: a consent decision is a new receipt, a notice change a new version', tg_table_name;
      end $$;`);
    for (const table of ['consent_notice', 'consent_receipt']) {
      this.addSql(
        `create trigger "${table}_append_only" before update or delete on "${table}" for each row execute function consent_append_only();`,
      );
    }
  }
}
