import type { EntityManager } from '@mikro-orm/core';
import { query } from '../db/sql.ts';

/** Rows a subject section reads per query: its memory is one page, whatever the history's length. */
export const SECTION_PAGE = 500;

type Row = Record<string, unknown>;

/**
 * A subject's rows of one table, oldest first, a page at a time by keyset on (created_at, id):
 * each page is one range read that starts after the last row of the one before, so rows written
 * while the export or erasure runs neither repeat nor shift the pages. The cursor is the
 * timestamp as text, which keeps PostgreSQL's microseconds (a JavaScript Date keeps
 * milliseconds). `alias` names the table when `from` joins others. The one keyset reader of the
 * subject hooks (kernel and plugins): pages for who works a page at a time (a batch of ids),
 * `subjectRows` for who streams rows.
 */
export async function* subjectPages(
  em: EntityManager,
  sql: { select: string; from: string; where: string },
  params: readonly unknown[],
  alias = '',
): AsyncGenerator<Row[]> {
  const col = (name: string) => (alias ? `${alias}."${name}"` : `"${name}"`);
  let cursor: { at: string; id: string } | null = null;
  for (;;) {
    const after = cursor ? `and (${col('created_at')}, ${col('id')}) > (?::timestamptz, ?::uuid)` : '';
    const rows: Row[] = await query(
      em,
      `select ${sql.select}, ${col('created_at')}::text as "cursorAt", ${col('id')} as "cursorId"
         from ${sql.from} where ${sql.where} ${after}
        order by ${col('created_at')}, ${col('id')} limit ?`,
      [...params, ...(cursor ? [cursor.at, cursor.id] : []), SECTION_PAGE],
    );
    if (rows.length > 0) yield rows.map(({ cursorAt: _at, cursorId: _id, ...row }) => row);
    if (rows.length < SECTION_PAGE) return;
    const last = rows[rows.length - 1]!;
    cursor = { at: String(last.cursorAt), id: String(last.cursorId) };
  }
}

/** `subjectPages` a row at a time. */
export async function* subjectRows(
  em: EntityManager,
  sql: { select: string; from: string; where: string },
  params: readonly unknown[],
  alias = '',
): AsyncGenerator<Row> {
  for await (const page of subjectPages(em, sql, params, alias)) yield* page;
}
