import { randomUUID } from 'node:crypto';
import { defineEntity, p } from '@mikro-orm/core';
import { Merchant } from '../../core/plugin-api.ts';
import { Customer } from './customer.entity.ts';
import { LedgerAccount } from './ledger/ledger-account.entity.ts';

const UsageMeterSchema = defineEntity({
  name: 'UsageMeter',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    merchant: () => p.manyToOne(Merchant),
    customer: () => p.manyToOne(Customer),
    currency: p.string().length(3),
    /** Price of one unit in millionths of a minor unit: 0.1 KRW per call is 100000. */
    unitPriceMicros: p.bigint(),
    /** The payment method whose account pays (an account-funded one: the wallet), and which account. */
    method: p.string().length(60),
    fundingAccount: () => p.manyToOne(LedgerAccount),
    description: p.string().length(200).nullable(),
    /** Accrued and not yet charged, in millionths of a minor unit: the carried remainder included. */
    accruedMicros: p.bigint(),
    /** Charged so far, in whole minor units. */
    billedMinor: p.bigint(),
    /** Fees its charges paid under the merchant's pricing, in millionths of a minor unit. */
    feeMicros: p.bigint().default(0),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
  checks: [
    {
      name: 'usage_meter_amounts_check',
      expression: 'unit_price_micros > 0 and accrued_micros >= 0 and billed_minor >= 0',
    },
    { name: 'usage_meter_fee_micros_check', expression: 'fee_micros >= 0' },
  ],
});

/** Metered usage of one customer, priced below one minor unit if need be, charged in whole units. */
export class UsageMeter extends UsageMeterSchema.class {}
UsageMeterSchema.setClass(UsageMeter);

export { UsageMeterSchema };
