import type { EntityManager } from '@mikro-orm/core';
import { query } from '../../../core/plugin-api.ts';

export interface LedgerProblem {
  check: string;
  detail: string;
}

export interface LedgerReport {
  ok: boolean;
  problems: LedgerProblem[];
  counts: { accounts: number; entries: number; lines: number; holds: number };
}

/** Each check is a query returning one row per violation, with a `detail` column. */
const CHECKS: { check: string; sql: string }[] = [
  {
    check: 'entry balances per currency',
    sql: `select 'entry ' || entry_id || ' ' || currency || ' sums to ' || sum(amount) as detail
      from journal_line group by entry_id, currency having sum(amount) <> 0`,
  },
  {
    check: 'entry has at least two lines',
    sql: `select 'entry ' || e.id || ' has ' || count(l.id) || ' line(s)' as detail
      from journal_entry e left join journal_line l on l.entry_id = e.id group by e.id having count(l.id) < 2`,
  },
  {
    check: 'every line is on an existing account',
    sql: `select 'line ' || l.id || ' is on missing account ' || l.account_id as detail
      from journal_line l left join ledger_account a on a.id = l.account_id where a.id is null`,
  },
  {
    check: 'line currency is its account currency',
    sql: `select 'line ' || l.id || ' is ' || l.currency || ' on a ' || a.currency || ' account' as detail
      from journal_line l join ledger_account a on a.id = l.account_id where l.currency <> a.currency`,
  },
  {
    check: 'posted balances equal line sums',
    sql: `with lines as (
        select account_id, coalesce(sum(amount) filter (where amount > 0), 0) as debits,
          coalesce(-sum(amount) filter (where amount < 0), 0) as credits
        from journal_line group by account_id),
      balances as (
        select account_id, sum(debits_posted) as debits, sum(credits_posted) as credits
        from ledger_balance group by account_id)
      select 'account ' || b.account_id || ' has debits ' || b.debits || '/' || coalesce(l.debits, 0)
        || ', credits ' || b.credits || '/' || coalesce(l.credits, 0) || ' (balance/lines)' as detail
      from balances b left join lines l on l.account_id = b.account_id
      where b.debits <> coalesce(l.debits, 0) or b.credits <> coalesce(l.credits, 0)`,
  },
  {
    check: 'reserved amounts equal pending holds',
    sql: `with holds as (
        select account_id, sum(debits) as debits, sum(credits) as credits from (
          select debit_account_id as account_id, amount as debits, 0 as credits from ledger_hold where status = 'pending'
          union all
          select credit_account_id, 0, amount from ledger_hold where status = 'pending') h group by account_id),
      balances as (
        select account_id, sum(debits_pending) as debits, sum(credits_pending) as credits
        from ledger_balance group by account_id)
      select 'account ' || b.account_id || ' reserves ' || b.debits || '/' || coalesce(h.debits, 0)
        || ' and expects ' || b.credits || '/' || coalesce(h.credits, 0) || ' (balance/holds)' as detail
      from balances b left join holds h on h.account_id = b.account_id
      where b.debits <> coalesce(h.debits, 0) or b.credits <> coalesce(h.credits, 0)`,
  },
  {
    check: 'no balance below zero unless allowed',
    sql: `select 'account ' || a.id || ' (' || a.key || ') is below zero' as detail
      from ledger_account a join ledger_balance b on b.account_id = a.id
      where not a.allow_negative group by a.id, a.key, a.normal
      having (a.normal = 'credit' and sum(b.debits_posted + b.debits_pending) > sum(b.credits_posted))
          or (a.normal = 'debit' and sum(b.credits_posted + b.credits_pending) > sum(b.debits_posted))`,
  },
  {
    check: 'holds resolved at most once, posted within their amount',
    sql: `select 'hold ' || h.id || ' is ' || h.status || case when h.status = 'posted' then ' with entry '
        || coalesce(h.posted_entry_id::text, 'none') else ' with an entry' end as detail
      from ledger_hold h
      where (h.status = 'posted') <> (h.posted_entry_id is not null)
         or (h.status = 'pending') <> (h.resolved_at is null)
         or (h.status = 'posted' and (select sum(amount) from journal_line l
               where l.entry_id = h.posted_entry_id and l.amount > 0) > h.amount)`,
  },
  {
    // Payments and usage charges record their fees exactly; the ledger holds the whole minor units
    // posted and fee_accrual the carried remainder: per merchant and currency they must add up to the millionth.
    check: 'fees charged equal fees posted plus carried',
    sql: `with charged as (
        select merchant_id, currency, sum(micros) as micros from (
          select merchant_id, currency, fee_micros - fee_returned_micros as micros
            from payment_intent where fee_micros > 0
          union all
          select m.merchant_id, m.currency, r.fee_micros from usage_record r join usage_meter m on m.id = r.meter_id
            where r.fee_micros > 0) f
        group by merchant_id, currency),
      posted as (
        select a.merchant_id, a.currency, sum(l.amount) * 1000000 as micros
        from journal_line l join journal_entry e on e.id = l.entry_id and e.kind in ('fee', 'fee_return')
        join ledger_account a on a.id = l.account_id and a.kind = 'merchant_payable'
        group by a.merchant_id, a.currency),
      carried as (
        select merchant_id, currency, sum(accrued_micros) as micros from fee_accrual group by merchant_id, currency)
      select 'merchant ' || k.merchant_id || ' ' || k.currency || ' charged ' || coalesce(c.micros, 0)
        || ' fee micros, posted ' || coalesce(p.micros, 0) || ' and carries ' || coalesce(r.micros, 0) as detail
      from (select merchant_id, currency from charged union select merchant_id, currency from posted
            union select merchant_id, currency from carried) k
      left join charged c on c.merchant_id = k.merchant_id and c.currency = k.currency
      left join posted p on p.merchant_id = k.merchant_id and p.currency = k.currency
      left join carried r on r.merchant_id = k.merchant_id and r.currency = k.currency
      where coalesce(c.micros, 0) <> coalesce(p.micros, 0) + coalesce(r.micros, 0)`,
  },
  {
    check: 'fee entries move between a payable and a fees account',
    sql: `select 'entry ' || e.id || ' (' || e.kind || ') touches a ' || a.kind || ' account' as detail
      from journal_entry e join journal_line l on l.entry_id = e.id join ledger_account a on a.id = l.account_id
      where e.kind in ('fee', 'fee_return') and a.kind not in ('merchant_payable', 'fees')`,
  },
  {
    check: 'every account has its balance stripes',
    sql: `select 'account ' || a.id || ' has ' || count(b.shard) || ' of ' || a.shards || ' stripes' as detail
      from ledger_account a left join ledger_balance b on b.account_id = a.id
      group by a.id, a.shards having count(b.shard) <> a.shards`,
  },
];

/** Checks the ledger's invariants over the whole database; `ok` when no check finds anything. */
export async function verifyLedger(em: EntityManager): Promise<LedgerReport> {
  const problems: LedgerProblem[] = [];
  for (const { check, sql } of CHECKS) {
    const rows = await query<{ detail: string }>(em, `${sql} limit 100`);
    for (const row of rows) problems.push({ check, detail: row.detail });
  }
  const [counts] = await query<Record<string, number | string>>(
    em,
    `select (select count(*) from ledger_account)::int as accounts, (select count(*) from journal_entry)::int as entries,
      (select count(*) from journal_line)::int as lines, (select count(*) from ledger_hold)::int as holds`,
  );
  return {
    ok: problems.length === 0,
    problems,
    counts: {
      accounts: Number(counts!.accounts),
      entries: Number(counts!.entries),
      lines: Number(counts!.lines),
      holds: Number(counts!.holds),
    },
  };
}
