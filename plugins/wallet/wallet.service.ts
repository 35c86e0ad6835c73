import { randomUUID } from 'node:crypto';
import type { ResolveCursorConnectionArgs } from '@pothos/plugin-relay';
import {
  big,
  isCurrency,
  isUuid,
  type Money,
  merchantFilter,
  money,
  NotFoundError,
  query,
  type RequestContext,
  ValidationError,
} from '../../core/plugin-api.ts';
import { type AccountBalance, Customer, type PaymentsServices, type PaymentView } from '../payments/api.ts';
import { Wallet } from './wallet.entity.ts';
import { walletMethod } from './wallet.method.ts';
import { WALLET_ACCOUNT_KIND } from './wallet-account.ts';

export interface StatementLine {
  id: bigint;
  entryId: string;
  kind: string;
  reference: string | null;
  description: string | null;
  /** Into the wallet positive, out of it negative. */
  amount: Money;
  createdAt: Date;
}

export interface TopUpInput {
  walletId: string;
  method: string;
  sourceId: string;
  amount: Money;
}

export class WalletService {
  readonly #payments: PaymentsServices;

  constructor(payments: PaymentsServices) {
    this.#payments = payments;
  }

  async create(ctx: RequestContext, customerId: string, currency: string): Promise<Wallet> {
    if (ctx.principal.kind !== 'merchant')
      throw new ValidationError('principal', 'wallets are opened by a merchant');
    const merchantId = ctx.principal.merchantId;
    if (!isCurrency(currency))
      throw new ValidationError('currency', `${currency} is not an ISO 4217 currency code`);
    const customer = isUuid(customerId)
      ? await ctx.em.findOne(Customer, { id: customerId, merchant: merchantId })
      : null;
    if (!customer) throw new NotFoundError('Customer', customerId);
    if (await ctx.em.findOne(Wallet, { customer, currency })) {
      throw new ValidationError('currency', `the customer already has a ${currency} wallet`);
    }
    return ctx.em.fork().transactional(async (tx) => {
      const id = await this.#payments.ledger.openAccount(tx, {
        key: `wallet/${randomUUID()}`,
        kind: WALLET_ACCOUNT_KIND,
        currency,
        normal: 'credit',
        allowNegative: false,
        merchantId,
        customerId: customer.id,
      });
      return tx.create(Wallet, { id, merchant: merchantId, customer: customer.id, currency });
    });
  }

  async get(ctx: RequestContext, id: string): Promise<Wallet> {
    const filter = merchantFilter(ctx.principal);
    const self =
      ctx.principal.kind === 'customer' ? { customer: { externalRef: ctx.principal.customerRef } } : {};
    const wallet = filter && isUuid(id) ? await ctx.em.findOne(Wallet, { id, ...filter, ...self }) : null;
    if (!wallet) throw new NotFoundError('Wallet', id);
    return wallet;
  }

  list(ctx: RequestContext, customerId: string | null, limit: number, offset: number): Promise<Wallet[]> {
    const filter = merchantFilter(ctx.principal);
    if (!filter || (customerId && !isUuid(customerId))) return Promise.resolve([]);
    const self =
      ctx.principal.kind === 'customer' ? { customer: { externalRef: ctx.principal.customerRef } } : {};
    const byCustomer = customerId ? { customer: customerId } : {};
    return ctx.em.find(
      Wallet,
      { ...filter, ...self, ...byCustomer },
      { orderBy: { createdAt: 'asc', id: 'asc' }, limit, offset },
    );
  }

  balance(ctx: RequestContext, wallet: Wallet): Promise<AccountBalance> {
    return this.#payments.ledger.balance(ctx.em, wallet.id);
  }

  /** The wallet's movements, newest first. */
  async statement(
    ctx: RequestContext,
    wallet: Wallet,
    page: ResolveCursorConnectionArgs,
  ): Promise<StatementLine[]> {
    const cursor = (value: string | undefined) => {
      if (value === undefined) return null;
      if (!/^\d{1,19}$/.test(value)) throw new ValidationError('after', 'not a statement cursor');
      return value;
    };
    const rows = await query(
      ctx.em,
      `select l.id::text as id, l.entry_id, e.kind, e.reference, e.description, l.amount::text as amount,
          (extract(epoch from l.created_at) * 1000)::bigint::text as created_ms
        from journal_line l join journal_entry e on e.id = l.entry_id
        where l.account_id = ? and (?::bigint is null or l.id < ?::bigint) and (?::bigint is null or l.id > ?::bigint)
        order by l.id ${page.inverted ? 'asc' : 'desc'} limit ?`,
      [
        wallet.id,
        cursor(page.after),
        cursor(page.after),
        cursor(page.before),
        cursor(page.before),
        page.limit,
      ],
    );
    return rows.map((row) => ({
      id: big(row.id),
      entryId: row.entry_id as string,
      kind: row.kind as string,
      reference: row.reference as string | null,
      description: row.description as string | null,
      amount: money(-big(row.amount), wallet.currency),
      createdAt: new Date(Number(row.created_ms)),
    }));
  }

  /** Adds money to the wallet, paid through another method (a card, the phone bill). */
  async topUp(ctx: RequestContext, input: TopUpInput, idempotencyKey?: string | null): Promise<PaymentView> {
    if (input.method === walletMethod.id)
      throw new ValidationError('method', 'a wallet is topped up through another method');
    const wallet = await this.get(ctx, input.walletId);
    if (input.amount.currency !== wallet.currency) {
      throw new ValidationError('amount', `the wallet holds ${wallet.currency}`);
    }
    return this.#payments.intents.createPayment(
      ctx,
      {
        customerId: wallet.customer.id,
        method: input.method,
        sourceId: input.sourceId,
        amount: input.amount,
        captureMethod: 'automatic',
        description: 'Wallet top-up',
      },
      idempotencyKey,
      { accountId: wallet.id, purpose: 'top_up' },
    );
  }
}
