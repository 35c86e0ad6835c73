/**
 * Customer sessions stop storing the merchant's customer reference in clear (issue 11): each
 * session points at its privacy subject, whose row holds the reference sealed under the
 * subject's own key. Shredding the subject then ends its sessions (authentication opens the
 * reference and refuses a shredded one) and leaves no reference in `customer_session`.
 *
 * Here, not in the auth plugin, because auth is migrated before privacy: `privacy_subject` must
 * exist first. Existing rows are re-sealed: one subject per (merchant, reference), created with
 * its key when new, then the clear column is dropped.
 */
import { ResealingMigration, subjectKey } from '../resealing-migration.ts';

export class Migration0003CustomerSessionsUnderSubjectKeys extends ResealingMigration {
  override async up(): Promise<void> {
    await this.execute('alter table "customer_session" add column "subject_id" uuid null;');
    const rows = (await this.execute(
      'select "id", "merchant_id", "customer_ref" from "customer_session"',
    )) as { id: string; merchant_id: string; customer_ref: string }[];
    const subjects = await this.subjectsOf(rows);
    for (const row of rows) {
      await this.execute('update "customer_session" set "subject_id" = ? where "id" = ?', [
        subjects.get(subjectKey(row.merchant_id, row.customer_ref)),
        row.id,
      ]);
    }
    await this.execute(
      'alter table "customer_session" drop column "customer_ref", alter column "subject_id" set not null;',
    );
    await this.execute(
      'alter table "customer_session" add constraint "customer_session_subject_id_foreign" foreign key ("subject_id") references "privacy_subject" ("id");',
    );
  }
}
