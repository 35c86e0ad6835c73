import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { TestGateway } from '../../../core/testing/create-test-gateway.ts';
import type { HttpGraphQLClient } from '../../../core/testing/graphql-clients.ts';
import { walletPlugin } from '../../../plugins/wallet/index.ts';
import { createFakeAcquirer } from '../payments/fake-acquirer.ts';
import {
  bootPayments,
  CAPTURE,
  CREATE_PAYMENT,
  createCustomer,
  ledgerIsSound,
  mutate,
  PAYMENT_FIELDS,
  REFUND,
} from '../payments/support.ts';

const CREATE_WALLET = `mutation($input: CreateWalletInput!) {
  createWallet(input: $input) { __typename ... on Wallet { id currency } ... on Error { code message } }
}`;
const TOP_UP = `mutation($input: TopUpWalletInput!, $key: String) {
  topUpWallet(input: $input, idempotencyKey: $key) { ${PAYMENT_FIELDS} }
}`;
const WALLET = `query($id: ID!) {
  wallet(id: $id) {
    __typename
    ... on Wallet { balance { amount currency } held { amount } statement(first: 10) { edges { node { kind amount { amount } reference } } } }
    ... on Error { code }
  }
}`;

interface WalletView {
  __typename: string;
  balance: { amount: string; currency: string };
  held: { amount: string };
  statement: { edges: { node: { kind: string; amount: { amount: string }; reference: string } }[] };
}

let t: TestGateway;
let shop: HttpGraphQLClient;
let customerId: string;
let walletId: string;
const network = createFakeAcquirer();

const readWallet = async (client: HttpGraphQLClient, id = walletId) =>
  (await client.data<{ wallet: WalletView }>(WALLET, { id })).wallet;
const payFromWallet = (
  amount: string,
  extra: Record<string, unknown> = {},
  client = shop,
  source = walletId,
) =>
  mutate(client, CREATE_PAYMENT, {
    input: { customerId, method: 'wallet', sourceId: source, amount: { amount, currency: 'KRW' }, ...extra },
  });

beforeAll(async () => {
  t = await bootPayments([network.plugin, walletPlugin]);
  shop = (await t.createMerchant('Game shop')).client;
  customerId = await createCustomer(shop, 'player-1');
  const created = await shop.data<{ createWallet: { id: string } }>(CREATE_WALLET, {
    input: { customerId, currency: 'KRW' },
  });
  walletId = created.createWallet.id;
});
afterAll(() => t?.close());

describe('wallets', () => {
  test('a top-up through another method credits the wallet once', async () => {
    const topUp = await mutate(shop, TOP_UP, {
      input: {
        walletId,
        method: 'test-card',
        sourceId: 'approve',
        amount: { amount: '10000', currency: 'KRW' },
      },
    });
    expect(topUp).toMatchObject({ status: 'captured', purpose: 'top_up', method: 'test-card' });
    const wallet = await readWallet(shop);
    expect(wallet.balance).toEqual({ amount: '10000', currency: 'KRW' });
    expect(wallet.statement.edges.map((e) => [e.node.kind, e.node.amount.amount])).toEqual([
      ['top_up', '10000'],
    ]);
  });

  test('a wallet cannot top itself up, nor another currency', async () => {
    const self = await mutate(shop, TOP_UP, {
      input: { walletId, method: 'wallet', sourceId: walletId, amount: { amount: '1', currency: 'KRW' } },
    });
    expect(self).toMatchObject({ __typename: 'ValidationError', field: 'method' });
    const usd = await mutate(shop, TOP_UP, {
      input: { walletId, method: 'test-card', sourceId: 'approve', amount: { amount: '1', currency: 'USD' } },
    });
    expect(usd).toMatchObject({ __typename: 'ValidationError', field: 'amount' });
  });

  test('paying from the wallet is captured at once and shows on the statement', async () => {
    const payment = await payFromWallet('3000', { description: 'Sword' });
    expect(payment).toMatchObject({ status: 'captured', capturedAmount: { amount: '3000' } });
    const wallet = await readWallet(shop);
    expect(wallet.balance.amount).toBe('7000');
    expect(wallet.statement.edges[0]!.node).toMatchObject({ kind: 'payment', amount: { amount: '-3000' } });
    expect(wallet.statement.edges[0]!.node.reference).toBe(`payment:${payment.id}`);
  });

  test('more than the balance is InsufficientFunds, with what is available, and records nothing', async () => {
    const before = await shop.data<{ payments: { edges: unknown[] } }>(
      '{ payments(first: 100) { edges { node { id } } } }',
    );
    const refused = await payFromWallet('7001');
    expect(refused).toMatchObject({
      __typename: 'InsufficientFundsError',
      code: 'INSUFFICIENT_FUNDS',
      available: { amount: '7000', currency: 'KRW' },
      requested: { amount: '7001', currency: 'KRW' },
    });
    const after = await shop.data<{ payments: { edges: unknown[] } }>(
      '{ payments(first: 100) { edges { node { id } } } }',
    );
    expect(after.payments.edges).toHaveLength(before.payments.edges.length);
    expect((await readWallet(shop)).balance.amount).toBe('7000');
  });

  test('an authorization holds funds; a partial capture releases the rest; a refund returns it', async () => {
    const payment = await payFromWallet('2000', { captureMethod: 'manual' });
    expect(payment.status).toBe('authorized');
    expect(await readWallet(shop)).toMatchObject({ balance: { amount: '5000' }, held: { amount: '2000' } });
    const captured = await mutate(shop, CAPTURE, {
      id: payment.id,
      amount: { amount: '1500', currency: 'KRW' },
      release: true,
    });
    expect(captured).toMatchObject({ status: 'captured', capturedAmount: { amount: '1500' } });
    expect(await readWallet(shop)).toMatchObject({ balance: { amount: '5500' }, held: { amount: '0' } });
    const refunded = await mutate(shop, REFUND, {
      id: payment.id,
      amount: { amount: '1000', currency: 'KRW' },
    });
    expect(refunded).toMatchObject({ status: 'partially_refunded', refundedAmount: { amount: '1000' } });
    expect((await readWallet(shop)).balance.amount).toBe('6500');
  });

  test('refunding a top-up the customer already spent is refused before the card is refunded', async () => {
    const customer = await createCustomer(shop, 'player-2');
    const { createWallet } = await shop.data<{ createWallet: { id: string } }>(CREATE_WALLET, {
      input: { customerId: customer, currency: 'KRW' },
    });
    const topUp = await mutate(shop, TOP_UP, {
      input: {
        walletId: createWallet.id,
        method: 'test-card',
        sourceId: 'approve',
        amount: { amount: '500', currency: 'KRW' },
      },
    });
    const spent = await mutate(shop, CREATE_PAYMENT, {
      input: {
        customerId: customer,
        method: 'wallet',
        sourceId: createWallet.id,
        amount: { amount: '400', currency: 'KRW' },
      },
    });
    expect(spent.status).toBe('captured');
    const refundsBefore = network.calls.filter((c) => c.operation === 'refund').length;
    const refused = await mutate(shop, REFUND, { id: topUp.id });
    expect(refused).toMatchObject({ __typename: 'InsufficientFundsError', available: { amount: '100' } });
    expect(network.calls.filter((c) => c.operation === 'refund')).toHaveLength(refundsBefore);
    expect(
      await mutate(shop, REFUND, { id: topUp.id, amount: { amount: '100', currency: 'KRW' } }),
    ).toMatchObject({
      status: 'partially_refunded',
    });
  });

  test('nobody pays from a wallet that is not the customer’s, nor reads another merchant’s', async () => {
    const stranger = await createCustomer(shop, 'stranger');
    const notTheirs = await mutate(shop, CREATE_PAYMENT, {
      input: {
        customerId: stranger,
        method: 'wallet',
        sourceId: walletId,
        amount: { amount: '1', currency: 'KRW' },
      },
    });
    expect(notTheirs).toMatchObject({ __typename: 'NotFoundError' });
    const rival = (await t.createMerchant('Rival')).client;
    expect(
      (await rival.data<{ wallet: { __typename: string } }>(WALLET, { id: walletId })).wallet.__typename,
    ).toBe('NotFoundError');
  });

  test('the customer’s own session reads the balance', async () => {
    const session = await shop.data<{ createCustomerSession: { token: string } }>(
      'mutation { createCustomerSession(customerRef: "player-1") { ... on CreatedCustomerSession { token } } }',
    );
    const own = await readWallet(t.http(session.createCustomerSession.token));
    expect(own.balance.amount).toBe('6500');
  });

  test('a wallet payment with automatic capture is one database round trip after the key lookup and the rate count', async () => {
    const connection = t.gateway.database.orm.em.getConnection() as unknown as {
      execute: (...args: unknown[]) => Promise<unknown>;
      begin: (...args: unknown[]) => Promise<unknown>;
    };
    const seen: string[] = [];
    const { execute, begin } = connection;
    connection.execute = function (this: unknown, ...args: unknown[]) {
      seen.push(String(args[0]));
      return execute.apply(this, args);
    };
    connection.begin = function (this: unknown, ...args: unknown[]) {
      seen.push('begin');
      return begin.apply(this, args);
    };
    try {
      const payment = await payFromWallet('10');
      expect(payment).toMatchObject({ __typename: 'Payment', status: 'captured' });
    } finally {
      connection.execute = execute;
      connection.begin = begin;
    }
    // The payment query asks for `operations` too: that read is the client's choice, not the payment's.
    // On a PostgreSQL server every request also counts against its rate limit, shared by all
    // processes (README, Limits): one upsert per request, whatever the request is.
    const writes = seen.filter(
      (sql) => !/from "api_key"|from "payment_operation"|into "rate_limit_counter"/i.test(sql),
    );
    expect(writes).toEqual([expect.stringContaining('payments_pay_from_accounts')]);
  });

  test('30 payments at once against a wallet that covers 10: exactly 10 go through, never below zero', async () => {
    const customer = await createCustomer(shop, 'rush');
    const { createWallet } = await shop.data<{ createWallet: { id: string } }>(CREATE_WALLET, {
      input: { customerId: customer, currency: 'KRW' },
    });
    await mutate(shop, TOP_UP, {
      input: {
        walletId: createWallet.id,
        method: 'test-card',
        sourceId: 'approve',
        amount: { amount: '1000', currency: 'KRW' },
      },
    });
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        mutate(shop, CREATE_PAYMENT, {
          input: {
            customerId: customer,
            method: 'wallet',
            sourceId: createWallet.id,
            amount: { amount: '100', currency: 'KRW' },
            captureMethod: i % 2 ? 'manual' : 'automatic',
          },
        }),
      ),
    );
    const accepted = results.filter((r) => r.__typename === 'Payment');
    expect(accepted).toHaveLength(10);
    expect(results.filter((r) => r.__typename === 'InsufficientFundsError')).toHaveLength(20);
    const wallet = await readWallet(shop, createWallet.id);
    expect(BigInt(wallet.balance.amount)).toBe(0n);
  });

  test('the answer to a wallet payment is the payment as stored, field for field', async () => {
    const fields = `id merchantId customerId method purpose status captureMethod description
      amount { amount currency decimal } authorizedAmount { amount } capturedAmount { amount } refundedAmount { amount }
      metadata { key value } declineReason declineMessage nextAction { type } authorizationExpiresAt
      createdAt updatedAt operations { kind status amount { amount } }`;
    const { createPayment: answered } = await shop.data<{ createPayment: Record<string, unknown> }>(
      `mutation($input: CreatePaymentInput!) { createPayment(input: $input) { ... on Payment { ${fields} } } }`,
      {
        input: {
          customerId,
          method: 'wallet',
          sourceId: walletId,
          amount: { amount: '25', currency: 'KRW' },
          description: 'Potion',
          metadata: [{ key: 'sku', value: 'potion-1' }],
        },
      },
    );
    const { payment: stored } = await shop.data<{ payment: Record<string, unknown> }>(
      `query($id: ID!) { payment(id: $id) { ... on Payment { ${fields} } } }`,
      { id: answered.id },
    );
    expect(answered).toMatchObject({
      status: 'captured',
      description: 'Potion',
      capturedAmount: { amount: '25' },
    });
    expect(answered).toEqual(stored);
  });

  test('the ledger balances after all of it', async () => {
    expect(await ledgerIsSound(t)).toEqual({ ok: true, problems: [] });
  });
});
