import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestGateway, type TestGateway } from '../../../core/testing/create-test-gateway.ts';
import type { HttpGraphQLClient } from '../../../core/testing/graphql-clients.ts';
import { paymentsPlugin } from '../../../plugins/payments/index.ts';
import { sandboxCardPlugin } from '../../../plugins/sandbox-card/index.ts';
import { SandboxCardAuthorization } from '../../../plugins/sandbox-card/network-authorization.entity.ts';
import { SANDBOX_3DS_ANSWER } from '../../../plugins/sandbox-card/test-cards.ts';
import {
  CAPTURE_PAYMENT,
  CONFIRM_PAYMENT,
  CREATE_PAYMENT,
  createCustomer,
  GET_PAYMENT,
  ledgerIsSound,
  mutate,
  REFUND_PAYMENT,
  RUN_JANITOR,
  VOID_PAYMENT,
} from './e2e-support.ts';
import { TOKENIZE } from './support.ts';

let t: TestGateway;
let shop: HttpGraphQLClient;
let customerId: string;

beforeAll(async () => {
  t = await createTestGateway({
    plugins: [
      paymentsPlugin.with({ janitor: { intervalSeconds: 0, retryBaseSeconds: 0 } }),
      sandboxCardPlugin.with({ readTimeoutMs: 200, slowResponseMs: 20 }),
    ],
  });
  shop = (await t.createMerchant('Card shop')).client;
  customerId = await createCustomer(shop, 'card-customer');
});
afterAll(() => t?.close());

async function pay(number: string, amount: string, extra: Record<string, unknown> = {}, key?: string) {
  const { tokenizeSandboxCard } = await shop.data<{ tokenizeSandboxCard: { id: string } }>(TOKENIZE, {
    input: { number, expMonth: 12, expYear: 2034, cvc: '123' },
  });
  return mutate(shop, CREATE_PAYMENT, {
    input: {
      customerId,
      method: 'sandbox-card',
      sourceId: tokenizeSandboxCard.id,
      amount: { amount, currency: 'KRW' },
      ...extra,
    },
    key,
  });
}

/** The network's own view of a payment: what the card was really charged. */
async function network(paymentId: string) {
  const em = t.gateway.database.em.fork();
  return em.find(SandboxCardAuthorization, { operationKey: { $like: `${paymentId}:%` } });
}

describe('sandbox card payments through GraphQL', () => {
  test('the sandbox card is a listed payment method', async () => {
    const { paymentMethods } = await shop.data<{ paymentMethods: { id: string; internal: boolean }[] }>(
      '{ paymentMethods { id internal } }',
    );
    expect(paymentMethods).toContainEqual({ id: 'sandbox-card', internal: false });
  });

  test('approve: authorized and captured at once; the network charged exactly that', async () => {
    const payment = await pay('4242424242424242', '15000');
    expect(payment).toMatchObject({
      __typename: 'Payment',
      status: 'captured',
      capturedAmount: { amount: '15000' },
    });
    expect(await network(payment.id)).toMatchObject([
      { amount: 15_000n, captured: 15_000n, status: 'authorized' },
    ]);
  });

  test('declines carry the issuer’s reason', async () => {
    expect(await pay('4000000000009995', '1000')).toMatchObject({
      status: 'declined',
      declineReason: 'insufficient_funds',
    });
    expect(await pay('4000000000009979', '1000')).toMatchObject({
      status: 'declined',
      declineReason: 'stolen_card',
    });
  });

  test('3-D Secure: requires_action, then the sandbox answer captures; a wrong answer declines', async () => {
    const payment = await pay('4000000000003220', '9900');
    expect(payment).toMatchObject({ status: 'requires_action', nextAction: { type: 'three_ds' } });
    expect(
      await mutate(shop, CONFIRM_PAYMENT, { id: payment.id, response: SANDBOX_3DS_ANSWER }),
    ).toMatchObject({
      status: 'captured',
      nextAction: null,
    });
    const failing = await pay('4000000000003220', '9900');
    expect(await mutate(shop, CONFIRM_PAYMENT, { id: failing.id, response: 'nope' })).toMatchObject({
      status: 'declined',
      declineReason: 'authentication_failed',
    });
    expect(await network(failing.id)).toMatchObject([{ status: 'declined', captured: 0n }]);
  });

  test('manual capture in parts, a void of the rest, refunds: the network agrees with the payment', async () => {
    const payment = await pay('5555555555554444', '10000', { captureMethod: 'manual' });
    expect(payment.status).toBe('authorized');
    await mutate(shop, CAPTURE_PAYMENT, { id: payment.id, amount: { amount: '6000', currency: 'KRW' } });
    expect(await mutate(shop, VOID_PAYMENT, { id: payment.id })).toMatchObject({
      status: 'captured',
      capturedAmount: { amount: '6000' },
    });
    expect(
      await mutate(shop, REFUND_PAYMENT, { id: payment.id, amount: { amount: '2500', currency: 'KRW' } }),
    ).toMatchObject({ status: 'partially_refunded', refundedAmount: { amount: '2500' } });
    expect(await network(payment.id)).toMatchObject([
      { amount: 10_000n, captured: 6000n, refunded: 2500n, status: 'voided' },
    ]);
    expect(await ledgerIsSound(t.operator)).toBe(true);
  });

  test('timeout: unknown until the janitor asks the network, then settled once, never charged twice', async () => {
    const payment = await pay('4000000000000416', '30000');
    expect(payment).toMatchObject({ status: 'unknown' });
    await t.operator.data(RUN_JANITOR);
    const settled = await mutate(shop, GET_PAYMENT, { id: payment.id });
    expect(settled).toMatchObject({ status: 'captured', capturedAmount: { amount: '30000' } });
    await t.operator.data(RUN_JANITOR);
    expect(await mutate(shop, GET_PAYMENT, { id: payment.id })).toMatchObject({
      status: 'captured',
      operations: settled.operations,
    });
    expect(await network(payment.id)).toMatchObject([{ amount: 30_000n, captured: 30_000n }]);
    expect(await ledgerIsSound(t.operator)).toBe(true);
  });

  test('the same Idempotency-Key twice: one payment, one network authorization', async () => {
    const key = `card-${Date.now()}`;
    const { tokenizeSandboxCard } = await shop.data<{ tokenizeSandboxCard: { id: string } }>(TOKENIZE, {
      input: { number: '4242424242424242', expMonth: 12, expYear: 2034, cvc: '123' },
    });
    const input = {
      customerId,
      method: 'sandbox-card',
      sourceId: tokenizeSandboxCard.id,
      amount: { amount: '700', currency: 'KRW' },
    };
    const [a, b] = await Promise.all([
      mutate(shop, CREATE_PAYMENT, { input, key }),
      mutate(shop, CREATE_PAYMENT, { input, key }),
    ]);
    const payment = a.__typename === 'Payment' ? a : b;
    expect(payment.status).toBe('captured');
    expect(await network(payment.id)).toHaveLength(1);
  });
});
