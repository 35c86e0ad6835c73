import type { EntityManager } from '@mikro-orm/core';
import { query, ValidationError } from '../../../core/plugin-api.ts';
import type { CreatePaymentCommand } from '../create-payment-command.ts';

const MICROS = 1_000_000n;
const BIGINT_MAX = 2n ** 63n - 1n;
/** A fee is at most its payment, so below this amount its millionths always fit a bigint. */
const ALWAYS_RECORDABLE = BIGINT_MAX / MICROS;

/**
 * Refuses, before the method is called, a payment whose fee the ledger could not record: fees are
 * kept in millionths of a minor unit in a bigint (migration 0013). A card authorized for such an
 * amount was left `authorized`, its capture failing on the overflow. Amounts up to about 9.2 x
 * 10^12 minor units never need the pricing read; larger ones are computed exactly, as
 * `payments_fee_micros` would.
 */
export async function refuseUnrecordableFee(
  em: EntityManager,
  merchantId: string,
  command: CreatePaymentCommand,
): Promise<void> {
  const { amount, currency } = command.amount;
  if (amount <= ALWAYS_RECORDABLE) return;
  const [pricing] = await query<{ fixed: string; bps: number; min: string | null; max: string | null }>(
    em,
    `select fixed_minor::text as fixed, basis_points as bps, min_minor::text as min, max_minor::text as max
      from fee_pricing where currency = ? and method = ? and (merchant_id = ? or merchant_id is null)
      order by merchant_id nulls last limit 1`,
    [currency, command.method, merchantId],
  );
  if (!pricing) return;
  let micros = BigInt(pricing.fixed) * MICROS + amount * BigInt(pricing.bps) * 100n;
  if (pricing.min !== null && micros < BigInt(pricing.min) * MICROS) micros = BigInt(pricing.min) * MICROS;
  if (pricing.max !== null && micros > BigInt(pricing.max) * MICROS) micros = BigInt(pricing.max) * MICROS;
  if (micros > amount * MICROS) micros = amount * MICROS;
  if (micros > BIGINT_MAX) {
    throw new ValidationError(
      'amount',
      `the fee on this amount is beyond what the ledger records; with this pricing a payment is at most ${(BIGINT_MAX * 10_000n) / (BigInt(pricing.bps || 1) * MICROS)} minor units`,
    );
  }
}
