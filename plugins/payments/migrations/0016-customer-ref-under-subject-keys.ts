/**
 * The merchant's customer reference leaves the `customer` table (issue 11): it was stored in
 * clear (`external_ref`), so a dump of the table named every payer. Each customer now points at
 * its privacy subject, whose row holds the reference sealed under the subject's own key and a
 * blind index (HMAC) to find it. Existing rows are re-sealed: one subject per (merchant,
 * reference), reused when a profile already created it. Shredding the subject then leaves the
 * customer and its payments as a pseudonymous record, with no way back to the person.
 */
import { ResealingMigration, subjectKey } from '../../../core/plugin-api.ts';

export class Migration0016CustomerRefUnderSubjectKeys extends ResealingMigration {
  override async up(): Promise<void> {
    const rows = (await this.execute(
      'select "id", "merchant_id", "external_ref" as "customer_ref" from "customer" where "subject_id" is null',
    )) as { id: string; merchant_id: string; customer_ref: string }[];
    const subjects = await this.subjectsOf(rows);
    for (const row of rows) {
      await this.execute('update "customer" set "subject_id" = ? where "id" = ?', [
        subjects.get(subjectKey(row.merchant_id, row.customer_ref)),
        row.id,
      ]);
    }
    await this.execute(
      'alter table "customer" drop constraint "customer_merchant_id_external_ref_unique", drop constraint "customer_subject_id_foreign";',
    );
    await this.execute(
      'alter table "customer" drop column "external_ref", alter column "subject_id" set not null;',
    );
    await this.execute(
      'alter table "customer" add constraint "customer_subject_id_foreign" foreign key ("subject_id") references "privacy_subject" ("id"), add constraint "customer_subject_id_unique" unique ("subject_id");',
    );
  }
}
