import type { EntityManager } from '@mikro-orm/core';
import { big, type Money, money, query, ValidationError } from '../../../core/plugin-api.ts';

/** One movement of an account, as its owner reads it. */
export interface StatementLine {
  /** Increasing with time: the statement's cursor. */
  id: bigint;
  entryId: string;
  kind: string;
  reference: string | null;
  description: string | null;
  /** What the movement did to the account's balance: positive raised it, negative lowered it. */
  amount: Money;
  createdAt: Date;
}

/** A page of a statement, as a relay connection asks for it. */
export interface StatementPage {
  after?: string;
  before?: string;
  limit: number;
  /** Oldest first (a `last` page) instead of newest first. */
  inverted: boolean;
}

const cursor = (value: string | undefined, field: 'after' | 'before') => {
  if (value === undefined) return null;
  if (!/^\d{1,19}$/.test(value)) throw new ValidationError(field, 'not a statement cursor');
  return value;
};

/**
 * The ledger's read API for other plugins: an account's movements, newest first, signed the way
 * the account's owner sees them (the account's normal side decides), so no plugin reads the
 * ledger's tables itself.
 */
export class LedgerStatements {
  async read(em: EntityManager, accountId: string, page: StatementPage): Promise<StatementLine[]> {
    const after = cursor(page.after, 'after');
    const before = cursor(page.before, 'before');
    const rows = await query(
      em,
      `select l.id::text as id, l.entry_id, e.kind, e.reference, e.description, l.currency,
          (case when a.normal = 'credit' then -l.amount else l.amount end)::text as amount,
          (extract(epoch from l.created_at) * 1000)::bigint::text as created_ms
        from journal_line l
        join journal_entry e on e.id = l.entry_id
        join ledger_account a on a.id = l.account_id
        where l.account_id = ? and (?::bigint is null or l.id < ?::bigint) and (?::bigint is null or l.id > ?::bigint)
        order by l.id ${page.inverted ? 'asc' : 'desc'} limit ?`,
      [accountId, after, after, before, before, page.limit],
    );
    return rows.map((row) => ({
      id: big(row.id),
      entryId: row.entry_id as string,
      kind: row.kind as string,
      reference: row.reference as string | null,
      description: row.description as string | null,
      amount: money(big(row.amount), row.currency as string),
      createdAt: new Date(Number(row.created_ms)),
    }));
  }
}
