import type { EntityManager } from '@mikro-orm/core';
import { type Money, money, query } from '../../../core/plugin-api.ts';
import type { PaymentIntent } from '../payment-intent.entity.ts';
import type { FeeRefundPolicy } from './fee-pricing.entity.ts';

/**
 * The general path's fees, inside the caller's transaction with the payment (or meter) locked: a
 * capture charges the fee of everything captured so far, a refund gives back its share when the
 * pricing says so, a metered usage charge pays the fee of what it charged. The arithmetic and the
 * accrual are the database's (`payments_fee_micros`, `payments_fee_move`, migrations 0013 and
 * 0017), the very code the wallet's batched path runs.
 */
export class FeePosting {
  readonly #stripes: number;

  constructor(merchantBalanceStripes: number) {
    this.#stripes = merchantBalanceStripes;
  }

  /** After a capture: the fee of the whole captured amount, less what earlier captures charged. */
  async charge(em: EntityManager, payment: PaymentIntent): Promise<void> {
    if (payment.purpose !== 'payment') return;
    const pricing = await this.#fee(
      em,
      payment.merchant.id,
      payment.method,
      money(payment.capturedAmount, payment.currency),
    );
    if (!pricing) return;
    const due = pricing.micros;
    if (due <= payment.feeMicros) return;
    await this.#move(em, payment, due - payment.feeMicros);
    payment.feeMicros = due;
    payment.feeOnRefund ??= pricing.onRefund;
  }

  /**
   * A metered usage charge of `charged` whole minor units, from the meter's method: its fee under
   * the merchant's pricing for that method, accrued like a payment's, in millionths (0 without a
   * pricing). Charges are never refunded, so the pricing's refund policy does not apply.
   */
  async chargeUsage(
    em: EntityManager,
    usage: { merchantId: string; method: string; payeeAccountId: string; charged: Money },
  ): Promise<bigint> {
    const pricing = await this.#fee(em, usage.merchantId, usage.method, usage.charged);
    if (!pricing || pricing.micros === 0n) return 0n;
    await this.#post(em, usage.merchantId, usage.charged.currency, usage.payeeAccountId, pricing.micros);
    return pricing.micros;
  }

  /** The merchant's pricing (else the default) applied to `amount`, or null without one. */
  async #fee(
    em: EntityManager,
    merchantId: string,
    method: string,
    amount: Money,
  ): Promise<{ micros: bigint; onRefund: FeeRefundPolicy } | null> {
    const [pricing] = await query<{ micros: string; on_refund: FeeRefundPolicy }>(
      em,
      `select payments_fee_micros(?::bigint, f.fixed_minor, f.basis_points, f.min_minor, f.max_minor)::text as micros,
          f.on_refund
        from fee_pricing f where f.currency = ? and f.method = ? and (f.merchant_id = ? or f.merchant_id is null)
        order by f.merchant_id nulls last limit 1`,
      [amount.amount.toString(), amount.currency, method, merchantId],
    );
    return pricing ? { micros: BigInt(pricing.micros), onRefund: pricing.on_refund } : null;
  }

  /**
   * After a refund: under `return`, the fee in proportion to what was refunded, rounded down to
   * the millionth, so that all refunds together give back exactly the fee and never more.
   */
  async giveBack(em: EntityManager, payment: PaymentIntent): Promise<void> {
    if (payment.feeOnRefund !== 'return' || payment.capturedAmount === 0n) return;
    const due = (payment.feeMicros * payment.refundedAmount) / payment.capturedAmount;
    if (due <= payment.feeReturnedMicros) return;
    await this.#move(em, payment, payment.feeReturnedMicros - due);
    payment.feeReturnedMicros = due;
  }

  #move(em: EntityManager, payment: PaymentIntent, micros: bigint): Promise<void> {
    return this.#post(em, payment.merchant.id, payment.currency, payment.payeeAccount.id, micros);
  }

  async #post(
    em: EntityManager,
    merchantId: string,
    currency: string,
    payee: string,
    micros: bigint,
  ): Promise<void> {
    await query(em, 'select payments_fee_move(?::uuid, ?, ?::uuid, ?::bigint, ?::smallint)', [
      merchantId,
      currency,
      payee,
      micros.toString(),
      this.#stripes,
    ]);
  }
}
