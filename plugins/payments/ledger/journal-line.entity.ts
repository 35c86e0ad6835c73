import { defineEntity, p } from '@mikro-orm/core';
import { JournalEntry } from './journal-entry.entity.ts';
import { LedgerAccount } from './ledger-account.entity.ts';

const JournalLineSchema = defineEntity({
  name: 'JournalLine',
  properties: {
    id: p.bigint().primary().autoincrement(),
    entry: () => p.manyToOne(JournalEntry),
    /**
     * No foreign key: its check share-locks the account row, and every payment to one merchant
     * would queue on that one row. Accounts are never deleted; `verifyLedger` checks the link.
     */
    account: () => p.manyToOne(LedgerAccount).createForeignKeyConstraint(false),
    currency: p.string().length(3),
    /** Minor units; positive is a debit, negative a credit. */
    amount: p.bigint(),
    /** The payout that paid this line out to the merchant (merchant payable lines only). */
    payoutId: p.uuid().nullable(),
    createdAt: p.datetime(),
  },
  indexes: [
    { name: 'journal_line_account_id_id_index', properties: ['account', 'id'] },
    {
      name: 'journal_line_unsettled_index',
      properties: ['account', 'createdAt'],
      where: 'payout_id is null',
    },
  ],
  checks: [{ name: 'journal_line_amount_check', expression: 'amount <> 0' }],
});

export class JournalLine extends JournalLineSchema.class {}
JournalLineSchema.setClass(JournalLine);

export { JournalLineSchema };
