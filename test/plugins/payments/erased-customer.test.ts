import { afterAll, beforeAll, expect, test } from 'vitest';
import { query } from '../../../core/db/sql.ts';
import type { TestGateway } from '../../../core/testing/create-test-gateway.ts';
import type { HttpGraphQLClient } from '../../../core/testing/graphql-clients.ts';
import { walletPlugin } from '../../../plugins/wallet/index.ts';
import { createFakeAcquirer } from './fake-acquirer.ts';
import { bootPayments, CREATE_PAYMENT, fundedWallet, mutate } from './support.ts';

/**
 * A customer whose data was erased (its subject key shredded) cannot be charged again, by a
 * method call (the general path) or from its wallet (the batched one-round-trip path): the
 * merchant gets CustomerErasedError and nothing is written.
 */
let t: TestGateway;
let shop: { merchantId: string; client: HttpGraphQLClient };
const network = createFakeAcquirer();
const em = () => t.gateway.database.em.fork();

beforeAll(async () => {
  t = await bootPayments([walletPlugin, network.plugin]);
  shop = await t.createMerchant('Erasing shop');
});
afterAll(() => t?.close());

const CHARGE = `mutation($input: CreatePaymentInput!, $key: String) {
  createPayment(input: $input, idempotencyKey: $key) {
    __typename ... on CustomerErasedError { code customerId } ... on Error { message }
  }
}`;

async function counts() {
  const [row] = await query<Record<string, number>>(
    em(),
    `select (select count(*)::int from payment_intent) as payments,
            (select count(*)::int from payment_operation) as operations,
            (select count(*)::int from journal_entry) as entries,
            (select count(*)::int from idempotency_record) as keys`,
  );
  return row;
}

test('an erased customer is refused on both paths with a typed error, and nothing is written', async () => {
  const { customerId, walletId } = await fundedWallet(shop.client, 9000n, 'erased-payer');
  const fromWallet = {
    customerId,
    method: 'wallet',
    sourceId: walletId,
    amount: { amount: '1000', currency: 'KRW' },
  };
  const byCard = {
    customerId,
    method: 'test-card',
    sourceId: 'approve',
    amount: { amount: '1000', currency: 'KRW' },
  };
  // Before the erasure both paths charge it.
  expect((await mutate(shop.client, CREATE_PAYMENT, { input: fromWallet })).status).toBe('captured');
  expect((await mutate(shop.client, CREATE_PAYMENT, { input: byCard })).status).toBe('captured');

  await t.gateway.services.privacy.eraseSubject(em(), {
    merchantId: shop.merchantId,
    customerRef: 'erased-payer',
  });
  const before = await counts();
  for (const [input, key] of [
    [fromWallet, null],
    [fromWallet, 'wallet-after-erasure'],
    [byCard, 'card-after-erasure'],
  ] as const) {
    const { createPayment } = await shop.client.data<{ createPayment: Record<string, unknown> }>(CHARGE, {
      input,
      key,
    });
    expect(createPayment).toMatchObject({
      __typename: 'CustomerErasedError',
      code: 'CUSTOMER_ERASED',
      customerId,
    });
  }
  expect(await counts()).toEqual(before);
  const { wallet } = await shop.client.data<{ wallet: { balance: { amount: string } } }>(
    'query($id: ID!) { wallet(id: $id) { ... on Wallet { balance { amount } } } }',
    { id: walletId },
  );
  expect(wallet.balance.amount).toBe('8000');
});

test('another customer of the same merchant is still charged', async () => {
  const { customerId, walletId } = await fundedWallet(shop.client, 9000n, 'kept-payer');
  const payment = await mutate(shop.client, CREATE_PAYMENT, {
    input: { customerId, method: 'wallet', sourceId: walletId, amount: { amount: '1000', currency: 'KRW' } },
  });
  expect(payment.status).toBe('captured');
});
