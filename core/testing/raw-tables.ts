import type { EntityManager } from '@mikro-orm/core';
import { query } from '../db/sql.ts';

/**
 * Every row of every table of the gateway's schema as text, for tests that look for a personal
 * value stored in clear: what a database dump or a backup would hold.
 */
export async function rawTables(em: EntityManager): Promise<Map<string, string>> {
  const tables = await query<{ table_name: string }>(
    em,
    `select table_name from information_schema.tables
     where table_schema = current_schema() and table_type = 'BASE TABLE' order by table_name`,
  );
  const dump = new Map<string, string>();
  for (const { table_name: table } of tables) {
    const rows = await query<{ row: string }>(em, `select t::text as row from "${table}" t`);
    dump.set(table, rows.map((r) => r.row).join('\n'));
  }
  return dump;
}

/** The tables whose raw rows contain any of `values`, each with the values found there. */
export async function tablesHolding(em: EntityManager, values: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  for (const [table, text] of await rawTables(em)) {
    for (const value of values) if (text.includes(value)) found.push(`${table}: ${value}`);
  }
  return found;
}
