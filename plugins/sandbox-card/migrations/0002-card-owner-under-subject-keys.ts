/**
 * A card token no longer stores, in clear, the merchant's reference of the end user who
 * tokenized it (issue 11): it points at that person's privacy subject instead, whose row holds
 * the reference sealed under the subject's own key. Payment checks compare subject ids, so the
 * payment path opens no key. Existing rows are re-sealed: one subject per (merchant, reference).
 */
import { ResealingMigration, subjectKey } from '../../../core/plugin-api.ts';

export class Migration0002CardOwnerUnderSubjectKeys extends ResealingMigration {
  override async up(): Promise<void> {
    await this.execute('alter table "sandbox_card_token" add column "subject_id" uuid null;');
    const rows = (await this.execute(
      'select "id", "merchant_id", "customer_ref" from "sandbox_card_token" where "customer_ref" is not null',
    )) as { id: string; merchant_id: string; customer_ref: string }[];
    const subjects = await this.subjectsOf(rows);
    for (const row of rows) {
      await this.execute('update "sandbox_card_token" set "subject_id" = ? where "id" = ?', [
        subjects.get(subjectKey(row.merchant_id, row.customer_ref)),
        row.id,
      ]);
    }
    await this.execute('alter table "sandbox_card_token" drop column "customer_ref";');
    await this.execute(
      'alter table "sandbox_card_token" add constraint "sandbox_card_token_subject_id_foreign" foreign key ("subject_id") references "privacy_subject" ("id") on delete set null;',
    );
  }
}
