import { randomUUID } from 'node:crypto';
import { defineEntity, p } from '@mikro-orm/core';
import { JournalEntry } from './ledger/journal-entry.entity.ts';
import { UsageMeter } from './usage-meter.entity.ts';

export const USAGE_RECORD_KINDS = ['usage', 'charge'] as const;

const UsageRecordSchema = defineEntity({
  name: 'UsageRecord',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    meter: () => p.manyToOne(UsageMeter),
    /** `usage` accrues; `charge` turns whole minor units of the accrual into money (a journal entry). */
    kind: p.enum(USAGE_RECORD_KINDS),
    quantity: p.bigint(),
    /** Usage: what it added; charge: what it took off the accrual (a multiple of one million). */
    amountMicros: p.bigint(),
    /** A charge: the fee it paid under the merchant's pricing, in millionths of a minor unit. */
    feeMicros: p.bigint().default(0),
    entry: () => p.manyToOne(JournalEntry).nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
  indexes: [{ name: 'usage_record_meter_id_created_at_index', properties: ['meter', 'createdAt'] }],
  checks: [{ name: 'usage_record_fee_micros_check', expression: 'fee_micros >= 0' }],
});

/** One step of a meter: usage accrued, or a charge of what accrued. Sums to the meter's totals. */
export class UsageRecord extends UsageRecordSchema.class {}
UsageRecordSchema.setClass(UsageRecord);

export { UsageRecordSchema };
