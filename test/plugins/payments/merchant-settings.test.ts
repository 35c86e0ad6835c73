import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SecretBox } from '../../../core/crypto/secret-box.ts';
import { createGateway, type Gateway } from '../../../core/gateway.ts';
import { definePlugin } from '../../../core/plugin-api.ts';
import type { TestGateway } from '../../../core/testing/create-test-gateway.ts';
import { HttpGraphQLClient } from '../../../core/testing/graphql-clients.ts';
import { paymentsPlugin } from '../../../plugins/payments/index.ts';
import { walletPlugin } from '../../../plugins/wallet/index.ts';
import { createFakeAcquirer } from './fake-acquirer.ts';
import { setPricing } from './fees-support.ts';
import { bootPayments, CREATE_PAYMENT, createCustomer, mutate } from './support.ts';

const SET = `mutation($input: SetMerchantSettingsInput!) {
  setMerchantSettings(input: $input) {
    __typename
    ... on MerchantSettings { defaultCaptureMethod authorizationHoldHours stepUpAtOrAbove { amount currency } }
    ... on ValidationError { field }
    ... on Error { code }
  }
}`;
const READ = `query($m: ID!) {
  merchantSettings(merchantId: $m) {
    __typename
    ... on MerchantSettings {
      defaultCaptureMethod authorizationHoldHours stepUpAtOrAbove { amount currency }
      own { defaultCaptureMethod authorizationHoldHours stepUpAtOrAbove { amount } }
      feePricings { method basisPoints }
    }
  }
}`;

let t: TestGateway;
const network = createFakeAcquirer();
/** A second factor every merchant has, so that a threshold asks for it (step-up.test.ts's pattern). */
const anyFactor = definePlugin({
  name: 'any-factor',
  version: '1.0.0',
  setup: (runtime) => {
    runtime.services.stepUp.registerFactor({
      name: 'any',
      requiredFor: [],
      isEnrolled: async (ctx) => ctx.principal.kind === 'merchant',
    });
    return {};
  },
});
beforeAll(async () => {
  t = await bootPayments([network.plugin, walletPlugin, anyFactor], { stepUpAtOrAbove: { USD: '100000' } });
});
afterAll(() => t?.close());

const set = async (input: Record<string, unknown>) =>
  (
    await t.operator.data<{ setMerchantSettings: Record<string, unknown> }>(SET, {
      input: { reason: 'a test', ...input },
    })
  ).setMerchantSettings;

async function cardPayment(client: HttpGraphQLClient, amount: string) {
  const customerId = await createCustomer(client);
  return client.request<{ createPayment: { status?: string; authorizationExpiresAt?: string } }>(
    `mutation($input: CreatePaymentInput!) { createPayment(input: $input) { ... on Payment { status authorizationExpiresAt } } }`,
    { input: { customerId, method: 'test-card', sourceId: 'approve', amount: { amount, currency: 'KRW' } } },
  );
}

describe('merchant settings', () => {
  test('the default capture method and the hold apply to the merchant’s next payment, not to others', async () => {
    const shop = await t.createMerchant('Manual shop');
    const other = await t.createMerchant('Other shop');
    expect((await cardPayment(shop.client, '100')).data?.createPayment.status).toBe('captured');
    expect(
      await set({ merchantId: shop.merchantId, defaultCaptureMethod: 'manual', authorizationHoldHours: 2 }),
    ).toMatchObject({
      defaultCaptureMethod: 'manual',
      authorizationHoldHours: 2,
    });
    const held = (await cardPayment(shop.client, '100')).data!.createPayment;
    expect(held.status).toBe('authorized');
    const hours = (new Date(held.authorizationExpiresAt!).getTime() - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(1.9);
    expect(hours).toBeLessThanOrEqual(2);
    expect((await cardPayment(other.client, '100')).data?.createPayment.status).toBe('captured');
    // Asked for explicitly, the capture method is the caller's.
    const customerId = await createCustomer(shop.client);
    const explicit = await mutate(shop.client, CREATE_PAYMENT, {
      input: {
        customerId,
        method: 'test-card',
        sourceId: 'approve',
        captureMethod: 'automatic',
        amount: { amount: '5', currency: 'KRW' },
      },
    });
    expect(explicit.status).toBe('captured');
    // null gives a value back to the gateway's configuration.
    expect(await set({ merchantId: shop.merchantId, defaultCaptureMethod: null })).toMatchObject({
      defaultCaptureMethod: 'automatic',
      authorizationHoldHours: 2,
    });
  });

  test('a step-up threshold per currency replaces the gateway-wide one for that merchant only', async () => {
    const shop = await t.createMerchant('Careful shop');
    const other = await t.createMerchant('Carefree shop');
    await set({ merchantId: shop.merchantId, stepUpAtOrAbove: [{ amount: '50', currency: 'KRW' }] });
    const refused = await cardPayment(shop.client, '50');
    expect(refused.errors?.[0]?.extensions?.code).toBe('STEP_UP_REQUIRED');
    expect((await cardPayment(shop.client, '49')).data?.createPayment.status).toBe('captured');
    expect((await cardPayment(other.client, '50')).data?.createPayment.status).toBe('captured');
    const { merchantSettings } = await shop.client.data<{ merchantSettings: { stepUpAtOrAbove: unknown[] } }>(
      READ,
      {
        m: shop.merchantId,
      },
    );
    // Its own KRW, the gateway's USD.
    expect(merchantSettings.stepUpAtOrAbove).toEqual([
      { amount: '50', currency: 'KRW' },
      { amount: '100000', currency: 'USD' },
    ]);
  });

  test('merchants read their own (with their pricings), never another’s; only operators write; validated; audited', async () => {
    const shop = await t.createMerchant('Reading shop');
    const rival = await t.createMerchant('Rival');
    await setPricing(t.operator, {
      merchantId: shop.merchantId,
      method: 'wallet',
      fixed: '0',
      basisPoints: 150,
    });
    const own = await shop.client.data<{ merchantSettings: Record<string, unknown> }>(READ, {
      m: shop.merchantId,
    });
    expect(own.merchantSettings).toMatchObject({
      __typename: 'MerchantSettings',
      defaultCaptureMethod: 'automatic',
      authorizationHoldHours: 168,
      own: null,
      feePricings: [{ method: 'wallet', basisPoints: 150 }],
    });
    const theirs = await rival.client.data<{ merchantSettings: { __typename: string } }>(READ, {
      m: shop.merchantId,
    });
    expect(theirs.merchantSettings.__typename).toBe('NotFoundError');
    const asMerchant = await shop.client.request(SET, {
      input: { merchantId: shop.merchantId, authorizationHoldHours: 1, reason: 'mine' },
    });
    expect(asMerchant.errors?.length).toBeGreaterThan(0);
    expect(await set({ merchantId: shop.merchantId, authorizationHoldHours: 0 })).toMatchObject({
      field: 'authorizationHoldHours',
    });
    expect(
      await set({ merchantId: shop.merchantId, stepUpAtOrAbove: [{ amount: '-1', currency: 'KRW' }] }),
    ).toMatchObject({ field: 'stepUpAtOrAbove' });
    expect(await set({ merchantId: shop.merchantId, authorizationHoldHours: 5, reason: '' })).toMatchObject({
      field: 'reason',
    });
    expect(
      await set({ merchantId: '00000000-0000-4000-8000-000000000000', authorizationHoldHours: 5 }),
    ).toMatchObject({
      __typename: 'NotFoundError',
    });
    await set({ merchantId: shop.merchantId, authorizationHoldHours: 5, reason: 'longer holds' });
    const { merchantSettingsChanges } = await shop.client.data<{
      merchantSettingsChanges: { edges: { node: Record<string, unknown> }[] };
    }>(
      'query($m: ID!) { merchantSettingsChanges(merchantId: $m) { edges { node { reason changedBy before { authorizationHoldHours } after { authorizationHoldHours } } } } }',
      { m: shop.merchantId },
    );
    expect(merchantSettingsChanges.edges.map((e) => e.node)).toEqual([
      {
        reason: 'longer holds',
        changedBy: null,
        before: { authorizationHoldHours: null },
        after: { authorizationHoldHours: 5 },
      },
    ]);
  });
});

describe.skipIf(!process.env.DATABASE_URL)('two gateway processes on one PostgreSQL', () => {
  let second: Gateway | undefined;
  afterAll(() => second?.close());

  test('a setting made through one process applies in the other at once', async () => {
    second = await createGateway({
      database: { url: t.gateway.database.orm.config.get('clientUrl')!, poolSize: 2 },
      secrets: { masterKey: SecretBox.generateMasterKey() },
      log: { level: 'warn' },
      plugins: [paymentsPlugin.with({ janitor: { intervalSeconds: 0 } }), network.plugin, walletPlugin],
    });
    const { url } = await second.start({ port: 0, host: '127.0.0.1' });
    const { secret } = await second.services.auth.issueOperatorKey(second.database.em.fork(), 'second');
    const onSecond = new HttpGraphQLClient(url, secret);
    const shop = await t.createMerchant('Propagated shop');
    const read = async () =>
      (
        await onSecond.data<{ merchantSettings: { authorizationHoldHours: number } }>(READ, {
          m: shop.merchantId,
        })
      ).merchantSettings.authorizationHoldHours;
    expect(await read()).toBe(168);
    await set({ merchantId: shop.merchantId, authorizationHoldHours: 3 });
    const deadline = Date.now() + 10_000;
    let seen = await read();
    while (seen !== 3 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      seen = await read();
    }
    expect(seen).toBe(3);
  });
});
