import { afterAll, beforeAll, expect, test } from 'vitest';
import { query } from '../../../core/db/sql.ts';
import type { TestGateway } from '../../../core/testing/create-test-gateway.ts';
import type { HttpGraphQLClient } from '../../../core/testing/graphql-clients.ts';
import { walletPlugin } from '../../../plugins/wallet/index.ts';
import { createFakeAcquirer } from './fake-acquirer.ts';
import { bootPayments, CREATE_PAYMENT, mutate, REFUND } from './support.ts';

/**
 * The payments plugin's and the wallet's sections of a subject's export: every record once, in
 * order, across page boundaries (1000 rows a page), with each section's source.
 */
let t: TestGateway;
let shop: { merchantId: string; client: HttpGraphQLClient };
const network = createFakeAcquirer();
const em = () => t.gateway.database.em.fork();
const COPIES = 2_400;

beforeAll(async () => {
  t = await bootPayments([walletPlugin, network.plugin]);
  shop = await t.createMerchant('Export shop');
});
afterAll(() => t?.close());

test('a long history streams in order, each payment once, with its operations and fee', async () => {
  const { createCustomer } = await shop.client.data<{ createCustomer: { id: string } }>(
    'mutation { createCustomer(input: { customerRef: "long-history", jurisdiction: "KR" }) { ... on Customer { id } } }',
  );
  const customerId = createCustomer.id;
  const first = await mutate(shop.client, CREATE_PAYMENT, {
    input: {
      customerId,
      method: 'test-card',
      sourceId: 'approve',
      amount: { amount: '5000', currency: 'KRW' },
      description: 'the first',
    },
  });
  await mutate(shop.client, REFUND, { id: first.id, amount: { amount: '1000', currency: 'KRW' } });
  // A long history, cheaply: copies of that payment, three to a microsecond so the keyset's
  // tie-break on the id matters at page boundaries.
  await query(
    em(),
    `insert into payment_intent (id, merchant_id, customer_id, method, source_id, purpose, funding_account_id,
       payee_account_id, currency, amount, authorized_amount, captured_amount, refunded_amount, capture_method,
       status, metadata, fee_micros, fee_returned_micros, created_at, updated_at)
     select gen_random_uuid(), merchant_id, customer_id, method, source_id, purpose, funding_account_id,
       payee_account_id, currency, amount, authorized_amount, captured_amount, 0, capture_method,
       'captured', '[]', 0, 0, created_at + ((g / 3) * interval '1 microsecond') + interval '1 second', updated_at
     from payment_intent, generate_series(1, ?) g where id = ?`,
    [COPIES, first.id],
  );
  const sections = await t.gateway.services.privacy.exportSubject(em(), {
    merchantId: shop.merchantId,
    customerRef: 'long-history',
  });
  const mine = sections.filter((s) => s.name.startsWith('payments.') || s.name.startsWith('wallet.'));
  expect(mine.map((s) => [s.name, s.source])).toEqual([
    ['payments.customer-profile', 'provided'],
    ['payments.customer', 'provided'],
    ['payments.payments', 'observed'],
    ['payments.operations', 'observed'],
    ['payments.fees', 'derived'],
    ['payments.usage-meters', 'observed'],
    ['payments.usage-records', 'observed'],
    ['wallet.wallets', 'observed'],
    ['wallet.statements', 'observed'],
  ]);
  const read = async (name: string) => {
    const out: Record<string, unknown>[] = [];
    for await (const record of mine.find((s) => s.name === name)!.records) out.push({ ...record });
    return out;
  };
  const payments = await read('payments.payments');
  expect(payments).toHaveLength(COPIES + 1);
  expect(new Set(payments.map((p) => p.id)).size).toBe(COPIES + 1);
  expect(payments[0]).toMatchObject({ id: first.id, description: 'the first', refundedAmount: '1000' });
  const [ordered] = await query<{ ids: string[] }>(
    em(),
    'select array_agg(id::text order by created_at, id) as ids from payment_intent where customer_id = ?',
    [customerId],
  );
  expect(payments.map((p) => p.id)).toEqual(ordered!.ids);
  const operations = await read('payments.operations');
  expect(operations.map((o) => [o.paymentId, o.kind])).toEqual(
    expect.arrayContaining([
      [first.id, 'refund'],
      [first.id, 'capture'],
    ]),
  );
  expect(await read('payments.customer')).toEqual([
    expect.objectContaining({ customerId, jurisdiction: 'KR' }),
  ]);
});

test('a subject the merchant never had, or one already erased, has no section here', async () => {
  const sections = await t.gateway.services.privacy.exportSubject(em(), {
    merchantId: shop.merchantId,
    customerRef: 'nobody',
  });
  expect(sections.filter((s) => s.name.startsWith('payments.') || s.name.startsWith('wallet.'))).toEqual([]);
});

test('a wallet’s statement is exported oldest first, and its erasure keeps it whole', async () => {
  const { createCustomer } = await shop.client.data<{ createCustomer: { id: string } }>(
    'mutation { createCustomer(input: { customerRef: "wallet-holder", jurisdiction: "US-CA" }) { ... on Customer { id } } }',
  );
  const { createWallet } = await shop.client.data<{ createWallet: { id: string } }>(
    'mutation($input: CreateWalletInput!) { createWallet(input: $input) { ... on Wallet { id } } }',
    { input: { customerId: createCustomer.id, currency: 'KRW' } },
  );
  await shop.client.data(
    'mutation($input: TopUpWalletInput!) { topUpWallet(input: $input) { __typename } }',
    {
      input: {
        walletId: createWallet.id,
        method: 'test-card',
        sourceId: 'approve',
        amount: { amount: '9000', currency: 'KRW' },
      },
    },
  );
  await mutate(shop.client, CREATE_PAYMENT, {
    input: {
      customerId: createCustomer.id,
      method: 'wallet',
      sourceId: createWallet.id,
      amount: { amount: '4000', currency: 'KRW' },
    },
  });
  const subject = { merchantId: shop.merchantId, customerRef: 'wallet-holder' };
  const sections = await t.gateway.services.privacy.exportSubject(em(), subject);
  const records = async (name: string) => {
    const out: Record<string, unknown>[] = [];
    for await (const r of sections.find((s) => s.name === name)!.records) out.push({ ...r });
    return out;
  };
  expect(await records('wallet.wallets')).toEqual([
    expect.objectContaining({ walletId: createWallet.id, balance: '5000', available: '5000' }),
  ]);
  expect((await records('wallet.statements')).map((l) => l.amount)).toEqual(['9000', '-4000']);

  const answer = await t.gateway.services.privacy.eraseSubject(em(), subject);
  expect(answer.find((a) => a.plugin === 'wallet')).toEqual({
    plugin: 'wallet',
    erased: [],
    kept: [expect.objectContaining({ what: expect.stringContaining('wallet balances'), until: null })],
  });
  const { wallet } = await shop.client.data<{ wallet: { balance: { amount: string } } }>(
    'query($id: ID!) { wallet(id: $id) { ... on Wallet { balance { amount } } } }',
    { id: createWallet.id },
  );
  expect(wallet.balance.amount).toBe('5000');
});
