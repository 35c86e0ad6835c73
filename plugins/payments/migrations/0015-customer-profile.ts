import { Migration } from '@mikro-orm/migrations';

/**
 * Optional customer profiles (issue 11): name, email, phone, birth date and country of residence.
 * Each column holds a value sealed under the customer's own subject key (`privacy_subject`), so
 * shredding that key makes the whole profile unreadable in this table and in every backup of it.
 * Text, not sized: a sealed value is longer than its clear value. `subject_id` is null until the
 * customer has a subject; no row has a profile yet, so there is nothing to re-seal.
 */
export class Migration0015CustomerProfile extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      'alter table "customer" add column "subject_id" uuid null, add column "name" text null, add column "email" text null, add column "phone" text null, add column "birth_date" text null, add column "country_of_residence" text null;',
    );
    this.addSql(
      'alter table "customer" add constraint "customer_subject_id_foreign" foreign key ("subject_id") references "privacy_subject" ("id") on delete set null;',
    );
  }
}
