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
 * A long text parameter for `query` (text, or any type text casts to: `longText(ids)::uuid[]`).
 * MikroORM writes parameters into the SQL text and escapes a string one character at a time,
 * each step a new string piece kept alive until the literal is done: an 18 kB list of 500 ids
 * cost about 600 kB of garbage, a 1.8 MB sealed export chunk tens of MB, enough to outlive young
 * collections and pile up in the old generation (issue 12). A Buffer goes in as one hex
 * literal, which PostgreSQL turns back into the same text.
 */
export function longText(value: string) {
  return raw("convert_from(?, 'UTF8')", [Buffer.from(value, 'utf8')]);
}

/** A bigint column read as text: PGlite hands int8 to JavaScript as a float-backed number. */
export function big(value: unknown): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return BigInt(value);
  throw new TypeError(`expected an integer as text, got ${typeof value}`);
}
