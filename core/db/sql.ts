import type { EntityManager } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/sql';

/** Runs SQL on the entity manager's connection (and its transaction, when it is in one). */
export function query<T extends object = Record<string, unknown>>(
  em: EntityManager,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  return (em as unknown as SqlEntityManager).execute<T[]>(sql, params);
}

/** A bigint column read as text: PGlite hands int8 to JavaScript as a float-backed number. */
export function big(value: unknown): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return BigInt(value);
  throw new TypeError(`expected an integer as text, got ${typeof value}`);
}
