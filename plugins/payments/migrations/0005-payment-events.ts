import { Migration } from '@mikro-orm/migrations';

/**
 * Every state change of a payment, a refund and a payout writes an event in the same
 * transaction, through the events plugin's gateway_event_publish: `payment.<status>` when a
 * payment is created or its status changes, `refund.created` / `refund.<status>` for refund
 * operations, `payout.created` / `payout.<status>`. Triggers, because states change both in
 * TypeScript (the transitions, the janitor) and in SQL (the one-round-trip wallet payment).
 * Payloads hold ids, amounts (minor units, as strings) and states, nothing personal. Without
 * the events plugin installed the function does not exist and nothing is written.
 */
const PUBLISH_IF_INSTALLED = `create function payments_publish_event(p_type text, p_merchant_id uuid, p_payload jsonb)
  returns void language plpgsql as $$
  begin
    if to_regprocedure('gateway_event_publish(text,uuid,jsonb)') is not null then
      perform gateway_event_publish(p_type, p_merchant_id, p_payload);
    end if;
  end $$;`;

const PAYMENT_TRIGGER = `create function payments_payment_event() returns trigger language plpgsql as $$
  begin
    perform payments_publish_event('payment.' || new.status, new.merchant_id, jsonb_build_object(
      'paymentId', new.id, 'status', new.status,
      'previousStatus', case when tg_op = 'UPDATE' then old.status end,
      'purpose', new.purpose, 'method', new.method, 'currency', new.currency,
      'amount', new.amount::text, 'authorizedAmount', new.authorized_amount::text,
      'capturedAmount', new.captured_amount::text, 'refundedAmount', new.refunded_amount::text,
      'declineReason', new.decline_reason));
    return null;
  end $$;`;

const REFUND_TRIGGER = `create function payments_refund_event() returns trigger language plpgsql as $$
  declare
    v_payment payment_intent%rowtype;
  begin
    select * into v_payment from payment_intent where id = new.payment_id;
    perform payments_publish_event(
      'refund.' || case when tg_op = 'INSERT' then 'created' else new.status end,
      v_payment.merchant_id,
      jsonb_build_object('refundId', new.id, 'paymentId', new.payment_id, 'status', new.status,
        'amount', new.amount::text, 'currency', v_payment.currency, 'declineReason', new.decline_reason));
    return null;
  end $$;`;

const PAYOUT_TRIGGER = `create function payments_payout_event() returns trigger language plpgsql as $$
  begin
    perform payments_publish_event(
      'payout.' || case when tg_op = 'INSERT' then 'created' else new.status end,
      new.merchant_id,
      jsonb_build_object('payoutId', new.id, 'status', new.status, 'amount', new.amount::text,
        'currency', new.currency, 'periodEnd', new.period_end, 'lineCount', new.line_count));
    return null;
  end $$;`;

export class Migration0005PaymentEvents extends Migration {
  override async up(): Promise<void> {
    this.addSql(PUBLISH_IF_INSTALLED);
    this.addSql(PAYMENT_TRIGGER);
    this.addSql(REFUND_TRIGGER);
    this.addSql(PAYOUT_TRIGGER);
    for (const [table, fn, only] of [
      ['payment_intent', 'payments_payment_event', 'true'],
      ['payment_operation', 'payments_refund_event', "new.kind = 'refund'"],
      ['payout', 'payments_payout_event', 'true'],
    ]) {
      this.addSql(`create trigger ${table}_created_event after insert on ${table}
        for each row when (${only}) execute function ${fn}();`);
      this.addSql(`create trigger ${table}_status_event after update of status on ${table}
        for each row when (${only} and old.status is distinct from new.status) execute function ${fn}();`);
    }
  }
}
