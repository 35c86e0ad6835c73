import { randomUUID } from 'node:crypto';
import {
  big,
  isUuid,
  money,
  NotFoundError,
  query,
  type RequestContext,
  ValidationError,
} from '../../core/plugin-api.ts';
import { JournalEntry } from './ledger/journal-entry.entity.ts';
import type { LedgerService } from './ledger/ledger.service.ts';
import type { PaymentAccounts } from './payment-accounts.ts';
import { Payout } from './payout.entity.ts';

/** Rolls a settlement back when there is nothing to pay out; never escapes `settleAccount`. */
class NothingToPay extends Error {}

/**
 * Settlement: everything a merchant earned before the end of a period, net of refunds and of the
 * gateway's fees (posted on its payable account with each payment), becomes
 * one payout (one journal entry, one bank transfer), however many micropayments it sums. A
 * merchant who owes more than it earned is carried to the next period; no line is counted twice.
 */
export class SettlementService {
  readonly #ledger: LedgerService;
  readonly #accounts: PaymentAccounts;

  readonly #stripes: number;

  constructor(ledger: LedgerService, accounts: PaymentAccounts, merchantBalanceStripes: number) {
    this.#ledger = ledger;
    this.#accounts = accounts;
    this.#stripes = merchantBalanceStripes;
  }

  /** One payout per merchant and currency with a positive balance earned before `periodEnd`. */
  async settle(ctx: RequestContext, periodEnd: Date): Promise<Payout[]> {
    if (periodEnd.getTime() > Date.now())
      throw new ValidationError('periodEnd', 'a period can only be settled once it has ended');
    const accounts = await query<{ id: string; merchant_id: string; currency: string }>(
      ctx.em,
      `select id, merchant_id, currency from ledger_account where kind = 'merchant_payable' order by id`,
    );
    const payouts: Payout[] = [];
    for (const account of accounts) {
      const payout = await this.settleAccount(ctx, account, periodEnd);
      if (payout) payouts.push(payout);
    }
    return payouts;
  }

  private async settleAccount(
    ctx: RequestContext,
    account: { id: string; merchant_id: string; currency: string },
    periodEnd: Date,
  ): Promise<Payout | null> {
    try {
      return await ctx.em.fork().transactional(async (tx) => {
        const existing = await tx.findOne(Payout, {
          merchant: account.merchant_id,
          currency: account.currency,
          periodEnd,
        });
        if (existing) return existing;
        const id = randomUUID();
        // The fee remainders of the merchant's stripes, gathered: what they make in whole units is
        // posted now and paid out net in this payout, so less than one minor unit is carried.
        // As text, an array literal passed back as is: the drivers differ on array parameters.
        const [sweep] = await query<{ entries: string }>(
          tx,
          'select payments_fee_sweep(?::uuid, ?, ?::uuid, ?::smallint)::text as entries',
          [account.merchant_id, account.currency, account.id, this.#stripes],
        );
        // Marks the lines in the same statement that reads them: a line committed meanwhile is
        // either in this payout or left for the next one, never both, never neither.
        const [lines] = await query<{ net: string | null; fees: string | null; count: number }>(
          tx,
          `with marked as (
              update journal_line set payout_id = ? where account_id = ? and payout_id is null
                and (created_at < ? or entry_id = any(?::uuid[]))
                returning entry_id, amount)
            select sum(m.amount)::text as net, sum(m.amount) filter (where e.kind in ('fee', 'fee_return'))::text as fees,
              count(*)::int as count
            from marked m join journal_entry e on e.id = m.entry_id`,
          [id, account.id, periodEnd, sweep?.entries ?? '{}'],
        );
        // Credit lines (what the merchant earned) are negative; fee lines debit it.
        const earned = -big(lines?.net ?? '0');
        if (earned <= 0n) throw new NothingToPay();
        const entryId = await this.#ledger.transfer(tx, {
          debitAccountId: account.id,
          creditAccountId: await this.#accounts.payouts(tx, account.currency),
          amount: money(earned, account.currency),
          kind: 'payout',
          reference: `payout:${id}`,
        });
        await query(tx, 'update journal_line set payout_id = ? where entry_id = ? and account_id = ?', [
          id,
          entryId,
          account.id,
        ]);
        return tx.create(Payout, {
          id,
          merchant: account.merchant_id,
          currency: account.currency,
          amount: earned,
          fees: big(lines?.fees ?? '0'),
          periodEnd,
          lineCount: lines?.count ?? 0,
          status: 'pending',
          entry: tx.getReference(JournalEntry, entryId),
          bankReference: null,
          paidAt: null,
        });
      });
    } catch (error) {
      if (error instanceof NothingToPay) return null;
      throw error;
    }
  }

  async markPaid(ctx: RequestContext, payoutId: string, bankReference: string): Promise<Payout> {
    if (bankReference.length === 0 || bankReference.length > 100) {
      throw new ValidationError('bankReference', 'bankReference must be 1 to 100 characters');
    }
    const payout = isUuid(payoutId) ? await ctx.em.findOne(Payout, { id: payoutId }) : null;
    if (!payout) throw new NotFoundError('Payout', payoutId);
    if (payout.status === 'paid') throw new ValidationError('payoutId', 'the payout is already paid');
    payout.status = 'paid';
    payout.bankReference = bankReference;
    payout.paidAt = new Date();
    await ctx.em.flush();
    return payout;
  }
}
