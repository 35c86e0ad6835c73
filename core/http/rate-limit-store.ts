import type { MikroORM } from '@mikro-orm/core';
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterPostgres } from 'rate-limiter-flexible';
import { query } from '../db/sql.ts';

/** The table of migration auth/0003, in the column layout rate-limiter-flexible's store expects. */
const TABLE = 'rate_limit_counter';

/**
 * rate-limiter-flexible's PostgreSQL store speaks to a `pg`-style client (`query({ text, values })`
 * with `$n` placeholders); this one runs its statements through the kernel's connection pool, so
 * the limiter needs no pool of its own.
 */
function kernelClient(orm: MikroORM) {
  return {
    async query({ text, values = [] }: { text: string; values?: unknown[] }) {
      const ordered: unknown[] = [];
      const sql = text.replace(/\$(\d+)/g, (_, n: string) => {
        ordered.push(values[Number(n) - 1]);
        return '?';
      });
      const rows = await query(orm.em.fork(), sql, ordered);
      return { rows, rowCount: rows.length };
    },
  };
}

/**
 * A limiter whose counters every gateway process shares: PostgreSQL's (an unlogged table, through
 * the kernel's pool), with a per-process memory limiter as insurance while the database does not
 * answer, so an outage does not turn into refused requests. The embedded database belongs to one
 * process (PGlite opens its folder alone), so there the counters live in that process's memory,
 * which is then the whole gateway, and PGlite's single connection is left to the requests.
 */
export interface LimiterOptions {
  keyPrefix: string;
  points: number;
  duration: number;
  blockDuration?: number;
  /** With the shared store: refuse from memory, without asking the store, once a key is over. */
  inMemoryBlockOnConsumed?: number;
  inMemoryBlockDuration?: number;
}

export function sharedLimiter(orm: MikroORM, shared: boolean, options: LimiterOptions): RateLimiterAbstract {
  const { inMemoryBlockOnConsumed, inMemoryBlockDuration, ...memory } = options;
  if (!shared) return new RateLimiterMemory(memory);
  return new RateLimiterPostgres({
    ...memory,
    inMemoryBlockOnConsumed,
    inMemoryBlockDuration,
    storeClient: kernelClient(orm),
    storeType: 'client',
    tableName: TABLE,
    tableCreated: true,
    insuranceLimiter: new RateLimiterMemory(memory),
  });
}
