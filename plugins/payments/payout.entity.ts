import { randomUUID } from 'node:crypto';
import { defineEntity, p } from '@mikro-orm/core';
import { Merchant } from '../../core/plugin-api.ts';
import { JournalEntry } from './ledger/journal-entry.entity.ts';

export const PAYOUT_STATUSES = ['pending', 'paid'] as const;

const PayoutSchema = defineEntity({
  name: 'Payout',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    merchant: () => p.manyToOne(Merchant),
    currency: p.string().length(3),
    /** What the merchant is paid: net of refunds and of fees. */
    amount: p.bigint(),
    /** Whole minor units of gateway fees the period's lines took (net of fees refunds gave back). */
    fees: p.bigint().default(0),
    /** Everything the merchant earned before this instant and was not paid out yet. */
    periodEnd: p.datetime(),
    /** How many ledger lines (payments, refunds, ...) it nets. */
    lineCount: p.integer(),
    /** `pending` until the bank transfer is made, then `paid`. */
    status: p.enum(PAYOUT_STATUSES),
    entry: () => p.manyToOne(JournalEntry),
    bankReference: p.string().length(100).nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    paidAt: p.datetime().nullable(),
  },
  uniques: [
    {
      name: 'payout_merchant_id_currency_period_end_unique',
      properties: ['merchant', 'currency', 'periodEnd'],
    },
  ],
  checks: [{ name: 'payout_amount_check', expression: 'amount > 0' }],
});

/** One transfer to a merchant's bank for everything it earned in a period: many micropayments, one payout. */
export class Payout extends PayoutSchema.class {}
PayoutSchema.setClass(Payout);

export { PayoutSchema };
