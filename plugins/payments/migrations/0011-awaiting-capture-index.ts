import { Migration } from '@mikro-orm/migrations';

/**
 * The janitor captures, every pass and in every process, the automatic-capture payments whose
 * capture never started (the request's process died, or the database was unreachable just
 * then: issue 17, hole 3). They are the payments `authorized` with automatic capture and nothing
 * captured. Without an index of their own, that look walked every authorization a merchant
 * holds for a manual capture (days of them) through `payment_intent_authorization_expires_at_index`;
 * this partial index holds only the few awaiting their automatic capture. A payment enters it
 * at authorization and leaves it at capture; wallet payments, captured in the statement that
 * creates them, never enter it.
 */
export class Migration0011AwaitingCaptureIndex extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create index "payment_intent_awaiting_capture_index" on "payment_intent" ("authorization_expires_at") where status = 'authorized' and capture_method = 'automatic' and captured_amount = 0;`,
    );
  }
}
