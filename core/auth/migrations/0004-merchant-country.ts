import { Migration } from '@mikro-orm/migrations';

/**
 * Where a merchant is established (issue 11): the GDPR and PIPA follow the controller's
 * establishment, so an EU or Korean merchant brings every customer under them. Nullable:
 * existing merchants have not said, and then only the customer's residence decides.
 */
export class Migration0004MerchantCountry extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table "merchant" add column "country" varchar(6) null;');
  }
}
