import { type EntityManager, raw } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/sql';

/** Runs SQL on the entity manager's connection (and its transaction, when it is in one). */
export function query<T extends object = Record<string, unknown>>(
  em: EntityManager,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  return (em as unknown as SqlEntityManager).execute<T[]>(sql, params);
}

/**
 * A long text parameter for `query`: the same SQL literal MikroORM would write (it writes
 * parameters into the SQL text), built with two replaceAll instead of its loop that adds one
 * character at a time, each step a new string piece kept alive until the literal is done. That
 * loop made about 600 kB of garbage for an 18 kB list of 500 ids and tens of MB for a 1.8 MB
 * sealed export chunk, enough to outlive young collections and pile up in the old generation
 * (issue 12). Quotes doubled; with a backslash, an E'' literal with backslashes doubled, as
 * MikroORM's `escapeLiteral` (and libpq's PQescapeLiteral) does.
 */
export function longText(value: string) {
  const quoted = `'${value.replaceAll("'", "''")}'`;
  return raw(value.includes('\\') ? ` E${quoted.replaceAll('\\', '\\\\')}` : quoted);
}

/** A bigint column read as text: PGlite hands int8 to JavaScript as a float-backed number. */
export function big(value: unknown): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return BigInt(value);
  throw new TypeError(`expected an integer as text, got ${typeof value}`);
}
