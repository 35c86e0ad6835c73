import { Migration } from '@mikro-orm/migrations';

/**
 * `payment.beforeAuthorize` may hold a payment for a person's review: it is authorized as a
 * manual capture, and its capture waits for the decision. The review (the verdict's score and
 * reasons, then who decided, when and why) is one nullable jsonb column on the payment: it is
 * read with the payment and written at most twice, and the full review queue comes later with
 * the fraud plugin. Null for every payment taken without review, the wallet's batched ones
 * included, so 0009's inserts need no change.
 */
export class Migration0010PaymentReview extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table payment_intent add column review jsonb null;');
  }
}
