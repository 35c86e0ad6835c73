import { randomUUID } from 'node:crypto';
import { defineEntity, p } from '@mikro-orm/core';
import { Merchant } from '../../../core/plugin-api.ts';

/** What a refund does to the fee of what it refunds: gives it back pro rata, or leaves it charged. */
export const FEE_REFUND_POLICIES = ['return', 'keep'] as const;
export type FeeRefundPolicy = (typeof FEE_REFUND_POLICIES)[number];

export const MAX_BASIS_POINTS = 10_000;

const FeePricingSchema = defineEntity({
  name: 'FeePricing',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    /** Null for the gateway's default, which applies to merchants without a pricing of their own. */
    merchant: () => p.manyToOne(Merchant).nullable().deleteRule('cascade'),
    currency: p.string().length(3),
    /** The payment method's id (`wallet`, `sandbox-card`, ...). */
    method: p.string().length(60),
    /** Whole minor units charged on every payment. */
    fixedMinor: p.bigint(),
    /** Hundredths of a percent of the captured amount: 150 is 1.5 %. Exact in millionths of a minor unit. */
    basisPoints: p.integer(),
    /** Whole minor units the fee of a payment is at least / at most; never more than the payment itself. */
    minMinor: p.bigint().nullable(),
    maxMinor: p.bigint().nullable(),
    onRefund: p.enum(FEE_REFUND_POLICIES),
    updatedAt: p.datetime(),
  },
  uniques: [
    {
      name: 'fee_pricing_merchant_currency_method_unique',
      properties: ['merchant', 'currency', 'method'],
      where: 'merchant_id is not null',
    },
    {
      name: 'fee_pricing_default_currency_method_unique',
      properties: ['currency', 'method'],
      where: 'merchant_id is null',
    },
  ],
  checks: [
    {
      name: 'fee_pricing_amounts_check',
      expression: `fixed_minor >= 0 and basis_points >= 0 and basis_points <= ${MAX_BASIS_POINTS} and min_minor >= 0 and max_minor >= 0 and max_minor >= min_minor`,
    },
  ],
});

/**
 * A merchant's pricing (or the gateway's default) for one currency and method: a fixed part plus
 * basis points, kept between an optional minimum and maximum. Read by the database functions that
 * post fees (migration 0013), the wallet's batched path included.
 */
export class FeePricing extends FeePricingSchema.class {}
FeePricingSchema.setClass(FeePricing);

export { FeePricingSchema };
