/**
 * Verifications and billing sources no longer store, in clear, the merchant's reference of the
 * end user who verified the phone (issue 11): they point at that person's privacy subject,
 * whose row holds the reference sealed under the subject's own key. Ownership checks, on the
 * payment path too, compare subject ids and open no key. Existing rows are re-sealed: one
 * subject per (merchant, reference), shared with the person's customer and sessions.
 */
import { ResealingMigration, subjectKey } from '../../../core/plugin-api.ts';

const TABLES = ['carrier_verification', 'carrier_billing_source'] as const;

export class Migration0002PhoneOwnerUnderSubjectKeys extends ResealingMigration {
  override async up(): Promise<void> {
    for (const table of TABLES) {
      await this.execute(`alter table "${table}" add column "subject_id" uuid null;`);
      const rows = (await this.execute(
        `select "id", "merchant_id", "customer_ref" from "${table}" where "customer_ref" is not null`,
      )) as { id: string; merchant_id: string; customer_ref: string }[];
      const subjects = await this.subjectsOf(rows);
      for (const row of rows) {
        await this.execute(`update "${table}" set "subject_id" = ? where "id" = ?`, [
          subjects.get(subjectKey(row.merchant_id, row.customer_ref)),
          row.id,
        ]);
      }
      await this.execute(`alter table "${table}" drop column "customer_ref";`);
      await this.execute(
        `alter table "${table}" add constraint "${table}_subject_id_foreign" foreign key ("subject_id") references "privacy_subject" ("id") on delete set null;`,
      );
    }
  }
}
