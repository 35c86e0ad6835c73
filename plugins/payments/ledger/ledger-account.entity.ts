import { randomUUID } from 'node:crypto';
import { defineEntity, p } from '@mikro-orm/core';
import { Merchant } from '../../../core/plugin-api.ts';

export const NORMAL_SIDES = ['debit', 'credit'] as const;
export type NormalSide = (typeof NORMAL_SIDES)[number];

const LedgerAccountSchema = defineEntity({
  name: 'LedgerAccount',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    /** What the account is for, unique: `merchant_payable/<merchant>/KRW`, `wallet/<id>`. */
    key: p.string().length(300).unique(),
    /** wallet, merchant_payable, clearing, payout, ...: for reports, not for rules. */
    kind: p.string().length(40),
    currency: p.string().length(3),
    /** The side that grows the balance: credit for what we owe (wallets, payables), debit for what is owed to us. */
    normal: p.enum(NORMAL_SIDES),
    /** Whether the balance may go below zero; if not, a debit (or credit) that would is refused. */
    allowNegative: p.boolean(),
    /**
     * Balance rows the account is striped over. A hot account (a merchant's payable, credited by
     * every payment) on one row would serialize all payments on its lock; only accounts that may
     * go negative can be striped, since the no-negative rule is checked per row.
     */
    shards: p.smallint(),
    merchant: () => p.manyToOne(Merchant).nullable(),
    /** The payments customer who owns it (wallets); not a foreign key: the ledger sits below payments. */
    customerId: p.uuid().nullable().index(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
  checks: [
    {
      name: 'ledger_account_shards_check',
      expression: 'shards >= 1 and shards <= 256 and (allow_negative or shards = 1)',
    },
  ],
});

/** One account of the double-entry ledger, in one currency. Balances live in `LedgerBalance` rows. */
export class LedgerAccount extends LedgerAccountSchema.class {}
LedgerAccountSchema.setClass(LedgerAccount);

export { LedgerAccountSchema };
