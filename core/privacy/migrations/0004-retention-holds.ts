/**
 * Retention holds (issue 12): what a law keeps of an erased subject is restricted, not erased.
 * The register (`privacy_hold`) says what is kept, for which subject, under which cited rule and
 * until when; the personal part of each held record is moved out of its plugin's table into
 * `privacy_held_record`, sealed under a hold key of its own (`privacy_hold_key`), which the purge
 * job destroys when the subject's last hold ends. `privacy_erasure` keeps each completed
 * erasure's answer, written in the erasure's transaction, so a request resumed after a crash can
 * read what was done. The tables start empty: nothing was erased before this. A subject row is
 * never deleted (a shred leaves it as a tombstone); the cascades on the two tables keyed by it are
 * what the ORM declares for a key that is also a reference.
 */
import { Migration } from '@mikro-orm/migrations';

export class Migration0004RetentionHolds extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "privacy_hold_key" ("subject_id" uuid not null, "merchant_id" uuid not null, "wrapped_key" text null, "identity_sealed" text null, "purge_after" timestamptz not null, "created_at" timestamptz not null, "destroyed_at" timestamptz null, primary key ("subject_id"));`,
    );
    this.addSql(
      `create index "privacy_hold_key_purge_after_index" on "privacy_hold_key" ("purge_after") where "destroyed_at" is null;`,
    );
    this.addSql(
      `alter table "privacy_hold_key" add constraint "privacy_hold_key_destroyed_check" check (("destroyed_at" is null) = ("wrapped_key" is not null));`,
    );
    this.addSql(
      `alter table "privacy_hold_key" add constraint "privacy_hold_key_subject_id_foreign" foreign key ("subject_id") references "privacy_subject" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "privacy_hold_key" add constraint "privacy_hold_key_merchant_id_foreign" foreign key ("merchant_id") references "merchant" ("id");`,
    );

    this.addSql(
      `create table "privacy_hold" ("id" uuid not null, "subject_id" uuid not null, "merchant_id" uuid not null, "plugin" varchar(60) not null, "what" text not null, "law" varchar(60) not null, "article" text not null, "until" timestamptz not null, "created_at" timestamptz not null, "purged_at" timestamptz null, primary key ("id"));`,
    );
    this.addSql(`create index "privacy_hold_subject_id_index" on "privacy_hold" ("subject_id");`);
    this.addSql(
      `create index "privacy_hold_until_index" on "privacy_hold" ("until") where "purged_at" is null;`,
    );
    this.addSql(
      `alter table "privacy_hold" add constraint "privacy_hold_subject_id_foreign" foreign key ("subject_id") references "privacy_subject" ("id");`,
    );
    this.addSql(
      `alter table "privacy_hold" add constraint "privacy_hold_merchant_id_foreign" foreign key ("merchant_id") references "merchant" ("id");`,
    );

    this.addSql(
      `create table "privacy_held_record" ("id" uuid not null, "hold_id" uuid not null, "record_id" varchar(100) not null, "purge_after" timestamptz not null, "sealed" text not null, primary key ("id"));`,
    );
    this.addSql(
      `create index "privacy_held_record_purge_after_index" on "privacy_held_record" ("purge_after");`,
    );
    this.addSql(
      `create index "privacy_held_record_hold_id_record_id_index" on "privacy_held_record" ("hold_id", "record_id");`,
    );
    this.addSql(
      `alter table "privacy_held_record" add constraint "privacy_held_record_hold_id_foreign" foreign key ("hold_id") references "privacy_hold" ("id");`,
    );

    this.addSql(
      `create table "privacy_erasure" ("subject_id" uuid not null, "merchant_id" uuid not null, "erased_at" timestamptz not null, "answer" jsonb not null, primary key ("subject_id"));`,
    );
    this.addSql(
      `alter table "privacy_erasure" add constraint "privacy_erasure_subject_id_foreign" foreign key ("subject_id") references "privacy_subject" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "privacy_erasure" add constraint "privacy_erasure_merchant_id_foreign" foreign key ("merchant_id") references "merchant" ("id");`,
    );
  }
}
