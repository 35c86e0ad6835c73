import { randomUUID } from 'node:crypto';
import type { ResolveCursorConnectionArgs } from '@pothos/plugin-relay';
import {
  type AuthenticatedContext,
  isCurrency,
  isUuid,
  type MerchantContext,
  type Money,
  merchantFilter,
  NotFoundError,
  type RequestContext,
  ValidationError,
} from '../../core/plugin-api.ts';
import {
  type AccountBalance,
  Customer,
  type PaymentsServices,
  type PaymentView,
  type StatementLine,
} from '../payments/api.ts';
import { Wallet } from './wallet.entity.ts';
import { walletMethod } from './wallet.method.ts';
import { WALLET_ACCOUNT_KIND } from './wallet-account.ts';

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

  async create(ctx: MerchantContext, customerId: string, currency: string): Promise<Wallet> {
    const { merchantId } = ctx.principal;
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

  async get(ctx: AuthenticatedContext, id: string): Promise<Wallet> {
    const filter = merchantFilter(ctx.principal);
    const self = ctx.principal.kind === 'customer' ? { customer: { subject: ctx.principal.subjectId } } : {};
    const wallet = isUuid(id) ? await ctx.em.findOne(Wallet, { id, ...filter, ...self }) : null;
    if (!wallet) throw new NotFoundError('Wallet', id);
    return wallet;
  }

  list(
    ctx: AuthenticatedContext,
    customerId: string | null,
    limit: number,
    offset: number,
  ): Promise<Wallet[]> {
    const filter = merchantFilter(ctx.principal);
    if (customerId && !isUuid(customerId)) return Promise.resolve([]);
    // One condition on the customer, so the argument narrows a customer session's own
    // restriction and can never replace it (spreading two `customer` keys let the last one win).
    const customer = {
      ...(ctx.principal.kind === 'customer' ? { subject: ctx.principal.subjectId } : {}),
      ...(customerId ? { id: customerId } : {}),
    };
    return ctx.em.find(
      Wallet,
      { ...filter, customer },
      { orderBy: { createdAt: 'asc', id: 'asc' }, limit, offset },
    );
  }

  balance(ctx: RequestContext, wallet: Wallet): Promise<AccountBalance> {
    return this.#payments.ledger.balance(ctx.em, wallet.id);
  }

  /** The wallet's movements, newest first, from the ledger's read API. */
  statement(
    ctx: RequestContext,
    wallet: Wallet,
    page: ResolveCursorConnectionArgs,
  ): Promise<StatementLine[]> {
    return this.#payments.statements.read(ctx.em, wallet.id, page);
  }

  /** Adds money to the wallet, paid through another method (a card, the phone bill). */
  async topUp(ctx: MerchantContext, input: TopUpInput, idempotencyKey?: string | null): Promise<PaymentView> {
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
