import { Migration } from '@mikro-orm/migrations';

/**
 * Metered usage pays the merchant's pricing too (issue 15): a usage charge is money moved from the
 * customer's account like a wallet payment, so it carries that method's fee, accrued exactly with
 * the merchant's other fees (`payments_fee_move`). Each charge keeps its fee in millionths, for
 * `gateway ledger verify` (fees charged = posted + carried) and the merchant's own accounts; the
 * meter keeps the total. Earlier charges were made without a fee: 0, as they were.
 */
export class Migration0019UsageFees extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "usage_record" add "fee_micros" bigint not null default '0';`);
    this.addSql(
      `alter table "usage_record" add constraint "usage_record_fee_micros_check" check (fee_micros >= 0);`,
    );
    this.addSql(`alter table "usage_meter" add "fee_micros" bigint not null default '0';`);
    this.addSql(
      `alter table "usage_meter" add constraint "usage_meter_fee_micros_check" check (fee_micros >= 0);`,
    );
  }
}
