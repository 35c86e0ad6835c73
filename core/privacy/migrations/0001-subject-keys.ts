/**
 * Per-subject keys (crypto-shredding), the foundation of issue 11's privacy kernel.
 *
 * - One row per (merchant, customer reference) while the subject's key lives. The reference is
 *   never stored in clear: `ref_index` is a keyed hash (HMAC-SHA256 under the blind-index key)
 *   to find the row, `ref_sealed` the reference sealed under the subject's own data key.
 * - `wrapped_key` is the subject's random data key sealed under the master key (AES-256-GCM,
 *   bound to the row id). Shredding nulls it together with the index and the sealed reference,
 *   and keeps the row as a tombstone, so that a value sealed under it reads as "shredded" rather
 *   than "unknown key", and a later subject with the same reference gets a new key and a new id.
 * - The partial unique index makes get-or-create safe across processes (`on conflict do nothing`).
 * - `privacy_index_key` holds the blind index's random root key sealed under the master key: a
 *   master key rotation re-seals one row instead of recomputing every index.
 */
import { Migration } from '@mikro-orm/migrations';

export class Migration0001SubjectKeys extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "privacy_subject" ("id" uuid not null, "merchant_id" uuid not null, "ref_index" varchar(64) null, "ref_sealed" text null, "wrapped_key" text null, "created_at" timestamptz not null, "shredded_at" timestamptz null, primary key ("id"));`,
    );
    this.addSql(
      `alter table "privacy_subject" add constraint "privacy_subject_merchant_id_foreign" foreign key ("merchant_id") references "merchant" ("id");`,
    );
    this.addSql(
      `create unique index "privacy_subject_live_ref_unique" on "privacy_subject" ("merchant_id", "ref_index") where "shredded_at" is null;`,
    );
    this.addSql(
      `alter table "privacy_subject" add constraint "privacy_subject_shredded_check" check (("shredded_at" is null) = ("wrapped_key" is not null and "ref_index" is not null and "ref_sealed" is not null));`,
    );
    this.addSql(
      `create table "privacy_index_key" ("id" varchar(20) not null, "sealed_key" text not null, "created_at" timestamptz not null, primary key ("id"));`,
    );
  }
}
