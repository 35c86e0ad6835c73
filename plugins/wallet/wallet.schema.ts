import {
  type ResolveCursorConnectionArgs,
  resolveCursorConnection,
  resolveOffsetConnection,
} from '@pothos/plugin-relay';
import {
  type GatewayBuilder,
  moneyFromInput,
  moneyRefs,
  NotFoundError,
  ValidationError,
} from '../../core/plugin-api.ts';
import { MONEY_MOVEMENT_ERRORS, type StatementLine } from '../payments/api.ts';
import { Wallet } from './wallet.entity.ts';
import type { WalletService } from './wallet.service.ts';

const READERS = { $any: { operator: true, merchant: true, partner: true, customer: true } } as const;

export function registerWalletSchema(builder: GatewayBuilder, wallets: WalletService): void {
  const { Money, MoneyInput } = moneyRefs(builder);

  const WalletStatementLine = builder.objectRef<StatementLine>('WalletStatementLine').implement({
    description: 'One movement of a wallet: positive into it, negative out of it.',
    authScopes: READERS,
    fields: (t) => ({
      id: t.id({ resolve: (l) => l.id.toString() }),
      entryId: t.exposeID('entryId'),
      kind: t.exposeString('kind', { description: 'top_up, payment, refund, ...' }),
      reference: t.exposeString('reference', { nullable: true, description: 'e.g. `payment:<id>`.' }),
      description: t.exposeString('description', { nullable: true }),
      amount: t.field({ type: Money, resolve: (l) => l.amount }),
      createdAt: t.expose('createdAt', { type: 'DateTime' }),
    }),
  });

  builder.objectType(Wallet, {
    name: 'Wallet',
    description:
      'Stored value a customer holds at a merchant; pay with method `wallet` and `sourceId` = its id.',
    authScopes: READERS,
    fields: (t) => ({
      id: t.exposeID('id'),
      customerId: t.id({ resolve: (w) => w.customer.id }),
      currency: t.exposeString('currency'),
      balance: t.field({
        type: Money,
        description: 'What can be spent now: settled money minus what authorizations hold.',
        resolve: async (w, _args, ctx) => (await wallets.balance(ctx, w)).available,
      }),
      held: t.field({
        type: Money,
        description: 'Held by authorizations not yet captured or released.',
        resolve: async (w, _args, ctx) => (await wallets.balance(ctx, w)).reserved,
      }),
      createdAt: t.expose('createdAt', { type: 'DateTime' }),
      statement: t.connection({
        type: WalletStatementLine,
        description: 'Newest first.',
        resolve: (w, args, ctx) =>
          resolveCursorConnection(
            { args, toCursor: (l) => l.id.toString() },
            (page: ResolveCursorConnectionArgs) => wallets.statement(ctx, w, page),
          ),
      }),
    }),
  });

  const CreateWalletInput = builder.inputType('CreateWalletInput', {
    fields: (t) => ({ customerId: t.id({ required: true }), currency: t.string({ required: true }) }),
  });
  const TopUpWalletInput = builder.inputType('TopUpWalletInput', {
    fields: (t) => ({
      walletId: t.id({ required: true }),
      method: t.string({ required: true, description: 'The method that pays, e.g. `sandbox-card`.' }),
      sourceId: t.string({ required: true }),
      amount: t.field({ type: MoneyInput, required: true }),
    }),
  });

  builder.queryFields((t) => ({
    wallet: t.withAuth(READERS).field({
      type: Wallet,
      args: { id: t.arg.id({ required: true }) },
      errors: { types: [NotFoundError] },
      resolve: (_root, { id }, ctx) => wallets.get(ctx, String(id)),
    }),
    wallets: t.withAuth(READERS).connection({
      type: Wallet,
      args: { customerId: t.arg.id() },
      resolve: (_root, args, ctx) =>
        resolveOffsetConnection({ args }, ({ limit, offset }) =>
          wallets.list(ctx, args.customerId == null ? null : String(args.customerId), limit, offset),
        ),
    }),
  }));

  builder.mutationFields((t) => ({
    createWallet: t.withAuth({ merchant: true }).field({
      type: Wallet,
      args: { input: t.arg({ type: CreateWalletInput, required: true }) },
      errors: { types: [ValidationError, NotFoundError] },
      resolve: (_root, { input }, ctx) => wallets.create(ctx, String(input.customerId), input.currency),
    }),
    topUpWallet: t.withAuth({ merchant: true }).field({
      type: 'Payment',
      description: 'Adds money to a wallet through another payment method; the result is that payment.',
      args: {
        input: t.arg({ type: TopUpWalletInput, required: true }),
        idempotencyKey: t.arg.string({ description: 'Same as the Idempotency-Key header.' }),
      },
      errors: { types: MONEY_MOVEMENT_ERRORS },
      resolve: (_root, { input, idempotencyKey }, ctx) =>
        wallets.topUp(
          ctx,
          {
            walletId: String(input.walletId),
            method: input.method,
            sourceId: input.sourceId,
            amount: moneyFromInput(input.amount, 'amount'),
          },
          idempotencyKey,
        ),
    }),
  }));
}
