import { randomUUID } from 'node:crypto';
import { defineEntity, p } from '@mikro-orm/core';

const JournalEntrySchema = defineEntity({
  name: 'JournalEntry',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    /** payment_capture, refund, wallet_topup, payout, ...: what kind of event this records. */
    kind: p.string().length(40),
    /** What it records, e.g. `payment:<id>` or `payout:<id>`. */
    reference: p.string().length(100).nullable().index(),
    description: p.string().length(200).nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

/** One balanced movement of money: its lines sum to zero in each currency. Never changed. */
export class JournalEntry extends JournalEntrySchema.class {}
JournalEntrySchema.setClass(JournalEntry);

export { JournalEntrySchema };
