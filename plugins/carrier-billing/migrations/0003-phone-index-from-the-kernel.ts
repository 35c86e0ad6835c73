/**
 * Phone lines are found through the kernel's blind index (issue 11) instead of this plugin's own
 * HMAC key: two keyed indexes for personal lookups were one mechanism written twice, with two
 * root keys for an operator to protect and rotate. Every line's index is recomputed: its number
 * is opened with the master key (purpose `carrier-billing:phone`, bound to the row id) and
 * indexed as kind `carrier-phone` outside any merchant (a line is shared by every merchant that
 * bills it). The plugin's own key (`carrier_billing_key`) now hashes one-time codes only.
 */
import { ResealingMigration } from '../../../core/plugin-api.ts';

export class Migration0003PhoneIndexFromTheKernel extends ResealingMigration {
  override async up(): Promise<void> {
    const { index, em, secrets } = this.privacy();
    const lines = (await this.execute('select "id", "phone_sealed" from "carrier_subscriber"')) as {
      id: string;
      phone_sealed: string;
    }[];
    for (const line of lines) {
      const phone = secrets.openString('carrier-billing:phone', line.phone_sealed, line.id);
      await this.execute('update "carrier_subscriber" set "phone_index" = ? where "id" = ?', [
        await index.of(em, 'carrier-phone', '*', phone),
        line.id,
      ]);
    }
  }
}
