import { randomUUID } from 'node:crypto';
import { defineEntity, p } from '@mikro-orm/core';
import { JournalEntry } from './journal-entry.entity.ts';
import { LedgerAccount } from './ledger-account.entity.ts';

export const HOLD_STATUSES = ['pending', 'posted', 'voided'] as const;
export type HoldStatus = (typeof HOLD_STATUSES)[number];

const LedgerHoldSchema = defineEntity({
  name: 'LedgerHold',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    debitAccount: () => p.manyToOne(LedgerAccount),
    debitShard: p.smallint(),
    creditAccount: () => p.manyToOne(LedgerAccount),
    creditShard: p.smallint(),
    currency: p.string().length(3),
    amount: p.bigint(),
    /** pending, then posted or voided: at most once. */
    status: p.enum(HOLD_STATUSES),
    reference: p.string().length(100).nullable(),
    postedEntry: () => p.manyToOne(JournalEntry).nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    resolvedAt: p.datetime().nullable(),
  },
  checks: [{ name: 'ledger_hold_amount_check', expression: 'amount > 0' }],
});

/** A two-phase transfer's first phase: money reserved on both accounts, not yet moved. */
export class LedgerHold extends LedgerHoldSchema.class {}
LedgerHoldSchema.setClass(LedgerHold);

export { LedgerHoldSchema };
