import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { query } from '../../../core/db/sql.ts';
import type { TestGateway } from '../../../core/testing/create-test-gateway.ts';
import type { HttpGraphQLClient } from '../../../core/testing/graphql-clients.ts';
import { walletPlugin } from '../../../plugins/wallet/index.ts';
import { createFakeAcquirer } from './fake-acquirer.ts';
import {
  bootPayments,
  CREATE_PAYMENT,
  createCustomer,
  ledgerIsSound,
  mutate,
  type PaymentView,
} from './support.ts';

let t: TestGateway;
let shop: HttpGraphQLClient;
let customerId: string;
let walletId: string;
const network = createFakeAcquirer({ slowMs: 800 });
const db = () => t.gateway.database.em.fork();

beforeAll(async () => {
  t = await bootPayments([network.plugin, walletPlugin], { methodTimeoutSeconds: 5 });
  shop = (await t.createMerchant('Idempotent shop')).client;
  customerId = await createCustomer(shop);
  const { createWallet } = await shop.data<{ createWallet: { id: string } }>(
    'mutation($c: ID!) { createWallet(input: { customerId: $c, currency: "KRW" }) { ... on Wallet { id } } }',
    { c: customerId },
  );
  walletId = createWallet.id;
  await mutate(shop, 'mutation($i: TopUpWalletInput!) { topUpWallet(input: $i) { __typename } }', {
    i: { walletId, method: 'test-card', sourceId: 'approve', amount: { amount: '100000', currency: 'KRW' } },
  });
});
afterAll(() => t?.close());

const walletPayment = (amount = '700') => ({
  input: { customerId, method: 'wallet', sourceId: walletId, amount: { amount, currency: 'KRW' } },
});
const withKey = (key: string) => ({ 'idempotency-key': key });
const count = async (sql: string, params: unknown[]) => Number((await query(db(), sql, params))[0]!.n);
const paymentsWith = (description: string) =>
  count('select count(*)::int as n from payment_intent where description = ?', [description]);

describe('Idempotency-Key', () => {
  test('50 concurrent identical requests with one key: one payment, one ledger entry', async () => {
    const key = 'fifty-at-once';
    const variables = { input: { ...walletPayment().input, description: key } };
    const results = await Promise.all(
      Array.from({ length: 50 }, () => mutate(shop, CREATE_PAYMENT, variables, withKey(key))),
    );
    const payments = results.filter((r) => r.__typename === 'Payment');
    const others = results.filter((r) => r.__typename !== 'Payment');
    expect(payments.length).toBeGreaterThan(0);
    expect(new Set(payments.map((p) => p.id)).size).toBe(1);
    for (const other of others) expect(other.__typename).toBe('IdempotencyInFlightError');
    expect(await paymentsWith(key)).toBe(1);
    expect(
      await count('select count(*)::int as n from journal_entry where reference = ?', [
        `payment:${payments[0]!.id}`,
      ]),
    ).toBe(1);
  });

  test('50 concurrent identical requests to an external method: one charge at the network', async () => {
    const key = 'fifty-card';
    const variables = {
      input: {
        customerId,
        method: 'test-card',
        sourceId: 'slow-approve',
        amount: { amount: '300', currency: 'KRW' },
        description: key,
      },
    };
    const results = await Promise.all(
      Array.from({ length: 50 }, () => mutate(shop, CREATE_PAYMENT, variables, withKey(key))),
    );
    const ids = new Set(results.filter((r) => r.__typename === 'Payment').map((r) => r.id));
    expect(ids.size).toBe(1);
    for (const r of results.filter((r) => r.__typename !== 'Payment'))
      expect(r.__typename).toBe('IdempotencyInFlightError');
    const [id] = [...ids];
    expect(
      network.calls.filter((c) => c.operation === 'authorize' && c.operationKey.startsWith(`${id}:`)),
    ).toHaveLength(1);
    expect(await paymentsWith(key)).toBe(1);
  });

  test('a retry after completion gets the first result back; nothing runs twice', async () => {
    const first = await mutate(shop, CREATE_PAYMENT, walletPayment('111'), withKey('retry-me'));
    const again = await mutate(shop, CREATE_PAYMENT, walletPayment('111'), withKey('retry-me'));
    expect(again).toMatchObject({ __typename: 'Payment', id: first.id, status: 'captured' });
    const viaArgument = await mutate(shop, CREATE_PAYMENT, { ...walletPayment('111'), key: 'retry-me' });
    expect(viaArgument.id).toBe(first.id);
  });

  test('while the first request runs, a retry is told so (409 semantics), not run', async () => {
    const variables = {
      input: {
        customerId,
        method: 'test-card',
        sourceId: 'slow-approve',
        amount: { amount: '5', currency: 'KRW' },
      },
    };
    const first = mutate(shop, CREATE_PAYMENT, variables, withKey('in-flight'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const second = await mutate(shop, CREATE_PAYMENT, variables, withKey('in-flight'));
    expect(second).toMatchObject({
      __typename: 'IdempotencyInFlightError',
      code: 'IDEMPOTENCY_IN_FLIGHT',
      key: 'in-flight',
    });
    const done = await first;
    expect(await mutate(shop, CREATE_PAYMENT, variables, withKey('in-flight'))).toMatchObject({
      id: done.id,
    });
  });

  test('the same key for a different request is a conflict (422 semantics) and changes nothing', async () => {
    const first = await mutate(shop, CREATE_PAYMENT, walletPayment('200'), withKey('one-key'));
    const other = await mutate(shop, CREATE_PAYMENT, walletPayment('201'), withKey('one-key'));
    expect(other).toMatchObject({
      __typename: 'IdempotencyConflictError',
      code: 'IDEMPOTENCY_CONFLICT',
      key: 'one-key',
    });
    expect(first.__typename).toBe('Payment');
  });

  test('a typed refusal is not stored: the same key works once the wallet can pay', async () => {
    const refused = await mutate(shop, CREATE_PAYMENT, walletPayment('100000000'), withKey('too-much'));
    expect(refused.__typename).toBe('InsufficientFundsError');
    const after = await mutate(shop, CREATE_PAYMENT, walletPayment('100000000'), withKey('too-much'));
    expect(after.__typename).toBe('InsufficientFundsError');
  });

  test('keys are per merchant; bad keys and a header that disagrees with the argument are refused', async () => {
    const rival = (await t.createMerchant('Rival')).client;
    const rivalCustomer = await createCustomer(rival);
    const theirs = await mutate(
      rival,
      CREATE_PAYMENT,
      {
        input: {
          customerId: rivalCustomer,
          method: 'test-card',
          sourceId: 'approve',
          amount: { amount: '200', currency: 'KRW' },
        },
      },
      withKey('one-key'),
    );
    expect(theirs).toMatchObject({ __typename: 'Payment', status: 'captured' });
    expect(await mutate(shop, CREATE_PAYMENT, walletPayment(), withKey('x'.repeat(256)))).toMatchObject({
      __typename: 'ValidationError',
      field: 'idempotencyKey',
    });
    expect(await mutate(shop, CREATE_PAYMENT, { ...walletPayment(), key: 'a' }, withKey('b'))).toMatchObject({
      __typename: 'ValidationError',
      field: 'idempotencyKey',
    });
  });

  test('keys are kept for their time to live (24 h by default), then forgotten by the janitor', async () => {
    const first: PaymentView = await mutate(shop, CREATE_PAYMENT, walletPayment('50'), withKey('old-key'));
    const [row] = await query(
      db(),
      `select extract(epoch from expires_at - created_at)::int as ttl from idempotency_record where key = 'old-key'`,
    );
    expect(Number(row!.ttl)).toBe(24 * 3600);
    await query(
      db(),
      `update idempotency_record set expires_at = now() - interval '1 second' where key = 'old-key'`,
    );
    const { runPaymentJanitor } = await t.operator.data<{
      runPaymentJanitor: { purgedIdempotencyKeys: number };
    }>('mutation { runPaymentJanitor { purgedIdempotencyKeys } }');
    expect(runPaymentJanitor.purgedIdempotencyKeys).toBeGreaterThanOrEqual(1);
    const fresh = await mutate(shop, CREATE_PAYMENT, walletPayment('50'), withKey('old-key'));
    expect(fresh.id).not.toBe(first.id);
  });

  test('the ledger balances after all of it', async () => {
    expect(await ledgerIsSound(t)).toEqual({ ok: true, problems: [] });
  });
});
