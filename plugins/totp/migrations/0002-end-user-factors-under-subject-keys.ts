/**
 * An end user's TOTP factor no longer names the user by the merchant's reference in clear, and
 * its shared secret moves from the master key to the user's own subject key (issue 11): the
 * factor points at the privacy subject, and shredding that subject destroys the secret with the
 * rest of the person's data. Factors of API keys (operators, merchant staff, partners) are not
 * a data subject's and stay under the master key.
 *
 * Existing rows are re-sealed: each end user's secret is opened with the master key (bound to
 * its row id) and sealed under the subject key, bound to `TotpFactor.secretSealed:<row id>`.
 */
import { ResealingMigration, subjectKey } from '../../../core/plugin-api.ts';

export class Migration0002EndUserFactorsUnderSubjectKeys extends ResealingMigration {
  override async up(): Promise<void> {
    const { keys, em, secrets } = this.privacy();
    await this.execute('alter table "totp_factor" add column "subject_id" uuid null;');
    const rows = (await this.execute(
      'select "id", "merchant_id", "customer_ref", "secret_sealed" from "totp_factor" where "customer_ref" is not null',
    )) as { id: string; merchant_id: string; customer_ref: string; secret_sealed: string }[];
    const subjects = await this.subjectsOf(rows);
    for (const row of rows) {
      const subjectId = subjects.get(subjectKey(row.merchant_id, row.customer_ref))!;
      const secret = secrets.openString('totp.secret', row.secret_sealed, row.id);
      const sealed = await keys.seal(em, subjectId, secret, `TotpFactor.secretSealed:${row.id}`);
      await this.execute('update "totp_factor" set "subject_id" = ?, "secret_sealed" = ? where "id" = ?', [
        subjectId,
        sealed,
        row.id,
      ]);
    }
    await this.execute(
      'alter table "totp_factor" drop constraint "totp_factor_merchant_id_customer_ref_unique", drop column "customer_ref";',
    );
    await this.execute(
      'alter table "totp_factor" add constraint "totp_factor_merchant_id_subject_id_unique" unique ("merchant_id", "subject_id"), add constraint "totp_factor_subject_id_foreign" foreign key ("subject_id") references "privacy_subject" ("id") on delete set null;',
    );
  }
}
