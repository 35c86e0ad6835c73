import { defineEntity, p } from '@mikro-orm/core';
import { LedgerAccount } from './ledger-account.entity.ts';

/** TigerBeetle's account flags: which side may not outgrow the other (posted plus pending). */
export const BALANCE_RULES = [
  'none',
  'debits_must_not_exceed_credits',
  'credits_must_not_exceed_debits',
] as const;
export type BalanceRule = (typeof BALANCE_RULES)[number];

const LedgerBalanceSchema = defineEntity({
  name: 'LedgerBalance',
  properties: {
    account: () => p.manyToOne(LedgerAccount).primary(),
    shard: p.smallint().primary(),
    /** Copied from the account so that the database itself refuses a balance below zero. */
    rule: p.enum(BALANCE_RULES),
    debitsPosted: p.bigint(),
    creditsPosted: p.bigint(),
    debitsPending: p.bigint(),
    creditsPending: p.bigint(),
  },
  checks: [
    {
      name: 'ledger_balance_limit_check',
      expression:
        "rule = 'none' or (rule = 'debits_must_not_exceed_credits' and debits_posted + debits_pending <= credits_posted) or (rule = 'credits_must_not_exceed_debits' and credits_posted + credits_pending <= debits_posted)",
    },
    {
      name: 'ledger_balance_totals_check',
      expression:
        'debits_posted >= 0 and credits_posted >= 0 and debits_pending >= 0 and credits_pending >= 0',
    },
  ],
});

/** Running totals of one stripe of an account; the account's balance is the sum of its stripes. */
export class LedgerBalance extends LedgerBalanceSchema.class {}
LedgerBalanceSchema.setClass(LedgerBalance);

export { LedgerBalanceSchema };
