import type { EntityManager } from '@mikro-orm/core';
import { big, type Money, money, query } from '../../../core/plugin-api.ts';
import type { NormalSide } from './ledger-account.entity.ts';
import {
  HoldNotPendingError,
  InsufficientFundsError,
  LEDGER_SQLSTATE,
  LedgerMisuseError,
  sqlDetail,
  sqlState,
} from './ledger-errors.ts';

export interface AccountSpec {
  /** Unique: asking for the same key again returns the same account. */
  key: string;
  kind: string;
  currency: string;
  normal: NormalSide;
  allowNegative: boolean;
  /** Balance stripes for a hot account; only accounts that may go negative can have more than one. */
  shards?: number;
  merchantId?: string | null;
  customerId?: string | null;
}

export interface TransferSpec {
  debitAccountId: string;
  creditAccountId: string;
  amount: Money;
  kind: string;
  reference?: string | null;
  description?: string | null;
}

export interface AccountBalance {
  accountId: string;
  /** Settled: credits minus debits for a credit-normal account, the reverse for a debit-normal one. */
  posted: Money;
  /** Held against the account by pending holds (going out). */
  reserved: Money;
  /** Held for the account by pending holds (coming in). */
  incoming: Money;
  /** What can still be spent: posted minus reserved. */
  available: Money;
}

/**
 * The double-entry ledger. Every movement is a journal entry whose lines sum to zero; the
 * rules (no balance below zero unless allowed, stripes locked in order, holds resolved at most
 * once) live in database functions shipped with the migration, so that this service and the
 * one-round-trip payment path run the very same code. Call it with a transactional entity
 * manager when several steps must commit together.
 */
export class LedgerService {
  async openAccount(em: EntityManager, spec: AccountSpec): Promise<string> {
    const [row] = await this.run(
      em,
      'select ledger_open_account(?, ?, ?, ?, ?, ?::smallint, ?::uuid, ?::uuid) as id',
      [
        spec.key,
        spec.kind,
        spec.currency,
        spec.normal,
        spec.allowNegative,
        spec.shards ?? 1,
        spec.merchantId ?? null,
        spec.customerId ?? null,
      ],
    );
    return row!.id as string;
  }

  /** Moves `amount` from one account to another as one journal entry; returns the entry id. */
  async transfer(em: EntityManager, spec: TransferSpec): Promise<string> {
    const [row] = await this.run(
      em,
      'select ledger_transfer(?::uuid, ?::uuid, ?::bigint, ?, ?, ?, ?) as id',
      [
        spec.debitAccountId,
        spec.creditAccountId,
        spec.amount.amount.toString(),
        spec.amount.currency,
        spec.kind,
        spec.reference ?? null,
        spec.description ?? null,
      ],
      spec.amount,
    );
    return row!.id as string;
  }

  /** Reserves `amount` on both accounts without moving it; returns the hold id. */
  async hold(em: EntityManager, spec: Omit<TransferSpec, 'kind' | 'description'>): Promise<string> {
    const [row] = await this.run(
      em,
      'select ledger_hold_create(?::uuid, ?::uuid, ?::bigint, ?, ?) as id',
      [
        spec.debitAccountId,
        spec.creditAccountId,
        spec.amount.amount.toString(),
        spec.amount.currency,
        spec.reference ?? null,
      ],
      spec.amount,
    );
    return row!.id as string;
  }

  /** Moves `amount` (at most the held amount) and releases the rest of the hold; returns the entry id. */
  async postHold(
    em: EntityManager,
    holdId: string,
    amount: Money,
    kind: string,
    description?: string | null,
  ): Promise<string> {
    const [row] = await this.run(em, 'select ledger_hold_post(?::uuid, ?::bigint, ?, ?) as id', [
      holdId,
      amount.amount.toString(),
      kind,
      description ?? null,
    ]);
    return row!.id as string;
  }

  async voidHold(em: EntityManager, holdId: string): Promise<void> {
    await this.run(em, 'select ledger_hold_void(?::uuid)', [holdId]);
  }

  async balance(em: EntityManager, accountId: string): Promise<AccountBalance> {
    const [row] = await query<BalanceRow>(
      em,
      `select a.currency, a.normal,
          sum(b.debits_posted)::text as dp, sum(b.credits_posted)::text as cp,
          sum(b.debits_pending)::text as dpend, sum(b.credits_pending)::text as cpend
        from ledger_account a join ledger_balance b on b.account_id = a.id
        where a.id = ? group by a.id`,
      [accountId],
    );
    if (!row) throw new LedgerMisuseError(`no ledger account ${accountId}`);
    return toBalance(accountId, row);
  }

  private async run(
    em: EntityManager,
    sql: string,
    params: unknown[],
    requested?: Money,
  ): Promise<Record<string, unknown>[]> {
    try {
      return await query(em, sql, params);
    } catch (error) {
      throw translate(error, requested);
    }
  }
}

/** An account's balance rows summed; the sums as text, which a JavaScript number would round. */
type BalanceRow = {
  currency: string;
  /** Only these: the account table's check constraint admits no other. */
  normal: NormalSide;
  dp: string;
  cp: string;
  dpend: string;
  cpend: string;
};

export function toBalance(accountId: string, row: BalanceRow): AccountBalance {
  const { currency } = row;
  const credit = row.normal === 'credit';
  const debits = big(row.dp);
  const credits = big(row.cp);
  const posted = credit ? credits - debits : debits - credits;
  const reserved = big(credit ? row.dpend : row.cpend);
  const incoming = big(credit ? row.cpend : row.dpend);
  return {
    accountId,
    posted: money(posted, currency),
    reserved: money(reserved, currency),
    incoming: money(incoming, currency),
    available: money(posted - reserved, currency),
  };
}

/** The ledger functions' SQLSTATEs as typed errors; anything else passes through untouched. */
export function translate(error: unknown, requested?: Money): unknown {
  switch (sqlState(error)) {
    case LEDGER_SQLSTATE.insufficientFunds: {
      const available = BigInt(sqlDetail(error) ?? '0');
      const currency = requested?.currency ?? 'XXX';
      return new InsufficientFundsError(
        { amount: available, currency },
        requested ?? { amount: 0n, currency },
      );
    }
    case LEDGER_SQLSTATE.holdNotPending:
      return new HoldNotPendingError((error as Error).message);
    case LEDGER_SQLSTATE.misuse:
      return new LedgerMisuseError((error as Error).message);
    default:
      return error;
  }
}
