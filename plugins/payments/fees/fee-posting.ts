import type { EntityManager } from '@mikro-orm/core';
import { query } from '../../../core/plugin-api.ts';
import type { PaymentIntent } from '../payment-intent.entity.ts';
import type { FeeRefundPolicy } from './fee-pricing.entity.ts';

/**
 * The general path's fees, inside the caller's transaction with the payment locked: a capture
 * charges the fee of everything captured so far, a refund gives back its share when the pricing
 * says so. The arithmetic and the posting are the database's (`payments_fee_micros`,
 * `payments_fee_move`, migration 0013), the very code the wallet's batched path runs.
 */
export class FeePosting {
  readonly #stripes: number;

  constructor(merchantBalanceStripes: number) {
    this.#stripes = merchantBalanceStripes;
  }

  /** After a capture: the fee of the whole captured amount, less what earlier captures charged. */
  async charge(em: EntityManager, payment: PaymentIntent): Promise<void> {
    if (payment.purpose !== 'payment') return;
    const [pricing] = await query<{ micros: string; on_refund: FeeRefundPolicy }>(
      em,
      `select payments_fee_micros(?::bigint, f.fixed_minor, f.basis_points, f.min_minor, f.max_minor)::text as micros,
          f.on_refund
        from fee_pricing f where f.currency = ? and f.method = ? and (f.merchant_id = ? or f.merchant_id is null)
        order by f.merchant_id nulls last limit 1`,
      [payment.capturedAmount.toString(), payment.currency, payment.method, payment.merchant.id],
    );
    if (!pricing) return;
    const due = BigInt(pricing.micros);
    if (due <= payment.feeMicros) return;
    await this.#move(em, payment, due - payment.feeMicros);
    payment.feeMicros = due;
    payment.feeOnRefund ??= pricing.on_refund;
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

  async #move(em: EntityManager, payment: PaymentIntent, micros: bigint): Promise<void> {
    await query(em, 'select payments_fee_move(?::uuid, ?, ?::uuid, ?::bigint, ?::smallint)', [
      payment.merchant.id,
      payment.currency,
      payment.payeeAccount.id,
      micros.toString(),
      this.#stripes,
    ]);
  }
}
