import { Migration } from '@mikro-orm/migrations';

/**
 * The velocity windows read from the keys' indexes alone. `fraud_record_attempt` (0001) reads
 * every attempt sharing a key over the last week; a customer's or a device's attempts are spread
 * over that week, so each one was a heap page of its own (about 60 page reads for a customer
 * with 60 attempts, most not in shared buffers once the table outgrows them). Each key's index
 * now carries the columns the aggregates read (INCLUDE), so the planner scans it index-only (the
 * function is unchanged: of its `h.*` only those columns are used): a few adjacent index pages
 * per key, and heap visits only for rows written since the last (auto)vacuum marked their pages
 * all-visible, which are the table's newest, hot pages. The cost: wider index entries, written
 * once per attempt. The rebuild holds writes to `fraud_attempt` for its duration.
 */
const AGGREGATED = 'amount, currency, cash_equivalent';

const INDEXES = [
  ['customer', `(customer_id, created_at) include (${AGGREGATED}, device_index, recipient_index)`, ''],
  [
    'device',
    `(device_index, created_at) include (${AGGREGATED}, customer_id, recipient_index)`,
    'where device_index is not null',
  ],
  [
    'ip',
    `(ip_index, created_at) include (${AGGREGATED}, customer_id, device_index, recipient_index)`,
    'where ip_index is not null',
  ],
  [
    'instrument',
    `(instrument_index, created_at) include (${AGGREGATED}, customer_id, device_index, recipient_index)`,
    'where instrument_index is not null',
  ],
  [
    'recipient',
    `(recipient_index, created_at) include (${AGGREGATED}, customer_id, device_index)`,
    'where recipient_index is not null',
  ],
] as const;

export class Migration0003CoveringKeyIndexes extends Migration {
  override async up(): Promise<void> {
    for (const [key, columns, where] of INDEXES) {
      this.addSql(`drop index if exists fraud_attempt_${key}_index;`);
      this.addSql(`create index fraud_attempt_${key}_index on fraud_attempt ${columns} ${where};`);
    }
  }
}
