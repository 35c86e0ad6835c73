/**
 * Phone numbers move from the master key onto their holders' subject keys (issue 12): a phone
 * line (`carrier_subscriber`) is one row shared by every merchant and customer that verified
 * it, so its number, sealed under the master key, outlived every erasure. The number now lives
 * on each verification and billing source, sealed under the subject key of the person who
 * verified it and bound to the row (`CarrierVerification.phone:<id>`,
 * `CarrierBillingSource.phone:<id>`); the line keeps only its blind index, for the monthly cap.
 *
 * Rows without a live subject (a merchant's backend verified without naming the customer, or
 * the subject is already shredded) get no number: nobody it could be exported to or erased for
 * should keep it. Such a source still pays; it shows no masked number. Then the old column goes.
 */
import { ResealingMigration } from '../../../core/plugin-api.ts';
import { phoneBinding } from '../subscriber-directory.ts';

const TABLES = [
  ['carrier_verification', 'CarrierVerification'],
  ['carrier_billing_source', 'CarrierBillingSource'],
] as const;

export class Migration0004PhoneNumbersUnderSubjectKeys extends ResealingMigration {
  override async up(): Promise<void> {
    const { keys, em, secrets } = this.privacy();
    for (const [table] of TABLES) {
      await this.execute(`alter table "${table}" add column "phone_sealed" text null;`);
    }
    const lines = (await this.execute('select "id", "phone_sealed" from "carrier_subscriber"')) as {
      id: string;
      phone_sealed: string;
    }[];
    for (const line of lines) {
      const phone = secrets.openString('carrier-billing:phone', line.phone_sealed, line.id);
      for (const [table, entity] of TABLES) {
        const rows = (await this.execute(
          `select t."id", t."subject_id" from "${table}" t
           join "privacy_subject" s on s."id" = t."subject_id" and s."shredded_at" is null
           where t."subscriber_id" = ?`,
          [line.id],
        )) as { id: string; subject_id: string }[];
        for (const row of rows) {
          await this.execute(`update "${table}" set "phone_sealed" = ? where "id" = ?`, [
            await keys.seal(em, row.subject_id, phone, phoneBinding(entity, row.id)),
            row.id,
          ]);
        }
      }
    }
    await this.execute('alter table "carrier_subscriber" drop column "phone_sealed";');
  }
}
