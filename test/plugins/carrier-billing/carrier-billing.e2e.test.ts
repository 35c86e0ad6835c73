import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestGateway, type TestGateway } from '../../../core/testing/create-test-gateway.ts';
import type { HttpGraphQLClient } from '../../../core/testing/graphql-clients.ts';
import { carrierBillingPlugin } from '../../../plugins/carrier-billing/index.ts';
import { SANDBOX_LOST_REPLY_PHONE } from '../../../plugins/carrier-billing/sandbox-carrier.ts';
import { paymentsPlugin } from '../../../plugins/payments/index.ts';
import {
  CONFIRM_PAYMENT,
  CREATE_PAYMENT,
  createCustomer,
  GET_PAYMENT,
  ledgerIsSound,
  mutate,
  type PaymentView,
  REFUND_PAYMENT,
  RUN_JANITOR,
} from '../sandbox-card/e2e-support.ts';
import { outbox, usageRow, verifiedSource } from './support.ts';

let t: TestGateway;
let shop: HttpGraphQLClient;
let customerId: string;

beforeAll(async () => {
  t = await createTestGateway({
    plugins: [
      paymentsPlugin.with({ janitor: { intervalSeconds: 0, retryBaseSeconds: 0 } }),
      carrierBillingPlugin.with({ monthlyCap: 100_000, readTimeoutMs: 200 }),
    ],
  });
  shop = (await t.createMerchant('웹툰 가게')).client;
  customerId = await createCustomer(shop, 'carrier-customer');
});
afterAll(() => t?.close());

const start = (sourceId: string, amount: string) =>
  mutate(shop, CREATE_PAYMENT, {
    input: { customerId, method: 'carrier-billing', sourceId, amount: { amount, currency: 'KRW' } },
  });

/** The code texted for the newest payment on this phone, as the customer reads it off the screen. */
async function latestCode(phone: string): Promise<string> {
  const [latest] = (await outbox(t, phone)).filter((m) => m.purpose === 'payment');
  return latest!.code;
}

const limitOf = async (sourceId: string) =>
  (
    await shop.data<{
      carrierBillingSource: { monthlyLimit: { used: { amount: string }; remaining: { amount: string } } };
    }>(
      'query($id: ID!) { carrierBillingSource(id: $id) { ... on CarrierBillingSource { monthlyLimit { used { amount } remaining { amount } } } } }',
      { id: sourceId },
    )
  ).carrierBillingSource.monthlyLimit;

describe('carrier billing payments through GraphQL', () => {
  test('a payment waits for the texted code, then is captured and counted against the month', async () => {
    const { sourceId, phone } = await verifiedSource(t, shop, undefined, 'carrier-customer');
    const payment = await start(sourceId, '30000');
    expect(payment).toMatchObject({
      status: 'requires_action',
      nextAction: { type: 'otp', hint: `Enter the code sent to 010-****-${phone.slice(-4)}` },
    });
    expect(await limitOf(sourceId)).toEqual({ used: { amount: '0' }, remaining: { amount: '100000' } });
    const confirmed = await mutate(shop, CONFIRM_PAYMENT, {
      id: payment.id,
      response: await latestCode(phone),
    });
    expect(confirmed).toMatchObject({ status: 'captured', capturedAmount: { amount: '30000' } });
    expect(await limitOf(sourceId)).toEqual({ used: { amount: '30000' }, remaining: { amount: '70000' } });

    // Over what is left: a typed LimitExceededError, and no code is texted for it.
    const texts = (await outbox(t, phone)).length;
    expect(await start(sourceId, '70001')).toMatchObject({
      __typename: 'LimitExceededError',
      code: 'LIMIT_EXCEEDED',
      limit: { amount: '100000' },
      remaining: { amount: '70000' },
    });
    expect(await outbox(t, phone)).toHaveLength(texts);

    // A refund gives the cap back.
    expect(await mutate(shop, REFUND_PAYMENT, { id: payment.id })).toMatchObject({ status: 'refunded' });
    expect(await limitOf(sourceId)).toEqual({ used: { amount: '0' }, remaining: { amount: '100000' } });
    expect(await ledgerIsSound(t.operator)).toBe(true);
  });

  test('a wrong code declines the payment with authentication_failed', async () => {
    const { sourceId, phone } = await verifiedSource(t, shop, undefined, 'carrier-customer');
    const payment = await start(sourceId, '5000');
    const code = await latestCode(phone);
    const wrong = code === '123456' ? '654321' : '123456';
    expect(await mutate(shop, CONFIRM_PAYMENT, { id: payment.id, response: wrong })).toMatchObject({
      status: 'declined',
      declineReason: 'authentication_failed',
    });
    expect(await usageRow(t, sourceId)).toEqual([]);
  });

  test('five payments of 30,000 confirmed at once against a 100,000 cap: three are captured', async () => {
    const { sourceId, phone } = await verifiedSource(t, shop, undefined, 'carrier-customer');
    const payments: PaymentView[] = [];
    const codes: string[] = [];
    for (let i = 0; i < 5; i++) {
      payments.push(await start(sourceId, '30000'));
      codes.push(await latestCode(phone));
    }
    const results = await Promise.all(
      payments.map((p, i) => mutate(shop, CONFIRM_PAYMENT, { id: p.id, response: codes[i]! })),
    );
    expect(results.filter((r) => r.status === 'captured')).toHaveLength(3);
    expect(results.filter((r) => r.__typename === 'LimitExceededError')).toHaveLength(2);
    for (const refused of payments.filter((_, i) => results[i]!.__typename === 'LimitExceededError')) {
      expect(await mutate(shop, GET_PAYMENT, { id: refused.id })).toMatchObject({
        status: 'declined',
        declineReason: 'limit_exceeded',
      });
    }
    expect((await usageRow(t, sourceId))[0]?.used).toBe(90_000n);
  });

  test('the carrier’s reply is lost: unknown until the janitor asks, then settled once and counted once', async () => {
    const { sourceId } = await verifiedSource(t, shop, SANDBOX_LOST_REPLY_PHONE, 'carrier-customer');
    const payment = await start(sourceId, '40000');
    const confirmed = await mutate(shop, CONFIRM_PAYMENT, {
      id: payment.id,
      response: await latestCode(SANDBOX_LOST_REPLY_PHONE),
    });
    expect(confirmed).toMatchObject({ status: 'unknown' });
    await t.operator.data(RUN_JANITOR);
    const settled = await mutate(shop, GET_PAYMENT, { id: payment.id });
    expect(settled).toMatchObject({ status: 'captured', capturedAmount: { amount: '40000' } });
    await t.operator.data(RUN_JANITOR);
    expect(await mutate(shop, GET_PAYMENT, { id: payment.id })).toMatchObject({
      operations: settled.operations,
    });
    expect((await usageRow(t, sourceId))[0]?.used).toBe(40_000n);
    expect(await ledgerIsSound(t.operator)).toBe(true);
  });
});
