import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createTestGateway, type TestGateway } from '../../../core/testing/create-test-gateway.ts';
import { paymentsPlugin } from '../../../plugins/payments/index.ts';
import { sandboxCardPlugin } from '../../../plugins/sandbox-card/index.ts';
import { totpPlugin } from '../../../plugins/totp/index.ts';
import { walletPlugin } from '../../../plugins/wallet/index.ts';
import { CREATE_PAYMENT, createCustomer } from '../sandbox-card/e2e-support.ts';
import { codeAt, enrollAndConfirm, VERIFY } from './support.ts';

// A payment at or above the operator's threshold needs the merchant key's fresh step-up.
let t: TestGateway;
beforeAll(async () => {
  t = await createTestGateway({
    plugins: [
      totpPlugin.with({ grantTtlSeconds: 1 }),
      paymentsPlugin.with({ stepUpAtOrAbove: { KRW: '100000' } }),
      sandboxCardPlugin,
      walletPlugin,
    ],
  });
});
afterAll(() => t?.close());

test('an enrolled merchant key steps up for a large payment; a small one goes through; nothing is written on refusal', async () => {
  const shop = await t.createMerchant('Step-up shop');
  const customerId = await createCustomer(shop.client, 'buyer-1');
  const { tokenizeSandboxCard } = await shop.client.data<{ tokenizeSandboxCard: { id: string } }>(
    `mutation { tokenizeSandboxCard(input: { number: "4242424242424242", expMonth: 12, expYear: 2040, cvc: "123" }) {
      ... on SandboxCardToken { id } } }`,
  );
  const pay = (amount: string) =>
    shop.client.request<{ createPayment: { __typename: string; status?: string } }>(CREATE_PAYMENT, {
      input: {
        customerId,
        method: 'sandbox-card',
        sourceId: tokenizeSandboxCard.id,
        amount: { amount, currency: 'KRW' },
      },
    });
  const paymentCount = async () => {
    const { payments } = await shop.client.data<{ payments: { edges: unknown[] } }>(
      '{ payments(first: 100) { edges { cursor } } }',
    );
    return payments.edges.length;
  };

  // Before enrolling, the key has no factor: nothing to step up with, so nothing is asked.
  expect((await pay('150000')).data?.createPayment.status).toBe('captured');

  const { secret } = await enrollAndConfirm(shop.client);
  await sleep(1100); // the grant that confirming gave has lapsed

  expect((await pay('99999')).data?.createPayment.status).toBe('captured');
  const before = await paymentCount();
  const refused = await pay('100000');
  expect(refused.errors?.[0]?.extensions).toEqual({
    code: 'STEP_UP_REQUIRED',
    stepUp: { action: 'payment.create', factors: ['totp'], enrolled: true },
  });
  expect(await paymentCount()).toBe(before);

  const verified = await shop.client.data<{ verifyTotp: { __typename: string } }>(VERIFY, {
    code: await codeAt(secret, 0),
  });
  expect(verified.verifyTotp.__typename).not.toMatch(/Error|Invalid|Locked/);
  expect((await pay('100000')).data?.createPayment.status).toBe('captured');
});

test('a wallet payment on the one-round-trip path is asked for the step-up before its batch moves money', async () => {
  const shop = await t.createMerchant('Step-up arcade');
  const customerId = await createCustomer(shop.client, 'player-1');
  const { tokenizeSandboxCard } = await shop.client.data<{ tokenizeSandboxCard: { id: string } }>(
    `mutation { tokenizeSandboxCard(input: { number: "4242424242424242", expMonth: 12, expYear: 2040, cvc: "123" }) {
      ... on SandboxCardToken { id } } }`,
  );
  const { createWallet } = await shop.client.data<{ createWallet: { id: string } }>(
    'mutation($input: CreateWalletInput!) { createWallet(input: $input) { ... on Wallet { id } } }',
    { input: { customerId, currency: 'KRW' } },
  );
  const walletId = createWallet.id;
  // Funded before the key has a factor, so the top-up itself asks for nothing.
  const { topUpWallet } = await shop.client.data<{ topUpWallet: { status?: string } }>(
    `mutation($input: TopUpWalletInput!) { topUpWallet(input: $input) { ... on Payment { status } } }`,
    {
      input: {
        walletId,
        method: 'sandbox-card',
        sourceId: tokenizeSandboxCard.id,
        amount: { amount: '300000', currency: 'KRW' },
      },
    },
  );
  expect(topUpWallet.status).toBe('captured');
  const pay = (amount: string) =>
    shop.client.request<{ createPayment: { __typename: string; status?: string } }>(CREATE_PAYMENT, {
      input: { customerId, method: 'wallet', sourceId: walletId, amount: { amount, currency: 'KRW' } },
    });
  const balance = async () => {
    const { wallet } = await shop.client.data<{ wallet: { balance: { amount: string } } }>(
      'query($id: ID!) { wallet(id: $id) { ... on Wallet { balance { amount } } } }',
      { id: walletId },
    );
    return wallet.balance.amount;
  };

  await enrollAndConfirm(shop.client);
  await sleep(1100); // the grant that confirming gave has lapsed

  expect((await pay('99999')).data?.createPayment.status).toBe('captured');
  expect(await balance()).toBe('200001');
  const refused = await pay('100000');
  expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'STEP_UP_REQUIRED' });
  expect(await balance()).toBe('200001');
});
