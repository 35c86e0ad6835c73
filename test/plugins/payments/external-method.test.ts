import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { TestGateway } from '../../../core/testing/create-test-gateway.ts';
import type { HttpGraphQLClient } from '../../../core/testing/graphql-clients.ts';
import { createFakeAcquirer } from './fake-acquirer.ts';
import {
  bootPayments,
  CAPTURE,
  CONFIRM,
  CREATE_PAYMENT,
  createCustomer,
  ledgerIsSound,
  mutate,
  PAYMENT,
  REFUND,
  VOID,
} from './support.ts';

let t: TestGateway;
let shop: HttpGraphQLClient;
let customerId: string;
const network = createFakeAcquirer();

beforeAll(async () => {
  t = await bootPayments([network.plugin]);
  shop = (await t.createMerchant('Card shop')).client;
  customerId = await createCustomer(shop);
});
afterAll(() => t?.close());

const pay = (sourceId: string, extra: Record<string, unknown> = {}) =>
  mutate(shop, CREATE_PAYMENT, {
    input: {
      customerId,
      method: 'test-card',
      sourceId,
      amount: { amount: '1250', currency: 'USD' },
      ...extra,
    },
  });

describe('an external method through GraphQL', () => {
  test('automatic capture: authorized, then captured; the amount is exact', async () => {
    const payment = await pay('approve');
    expect(payment).toMatchObject({
      __typename: 'Payment',
      status: 'captured',
      amount: { amount: '1250', currency: 'USD', decimal: '12.50' },
      capturedAmount: { amount: '1250' },
    });
    expect(payment.operations.map((o) => `${o.kind}:${o.status}`)).toEqual([
      'authorize:succeeded',
      'capture:succeeded',
    ]);
  });

  test('a decline is a declined payment with its reason', async () => {
    const payment = await pay('decline');
    expect(payment).toMatchObject({ status: 'declined', declineReason: 'insufficient_funds' });
  });

  test('manual capture in parts, a void of the rest, refunds up to what was captured', async () => {
    const payment = await pay('approve', { captureMethod: 'manual' });
    expect(payment.status).toBe('authorized');
    const first = await mutate(shop, CAPTURE, { id: payment.id, amount: { amount: '500', currency: 'USD' } });
    expect(first).toMatchObject({ status: 'partially_captured', capturedAmount: { amount: '500' } });
    const second = await mutate(shop, CAPTURE, {
      id: payment.id,
      amount: { amount: '250', currency: 'USD' },
    });
    expect(second).toMatchObject({ status: 'partially_captured', capturedAmount: { amount: '750' } });
    const tooMuch = await mutate(shop, CAPTURE, {
      id: payment.id,
      amount: { amount: '501', currency: 'USD' },
    });
    expect(tooMuch).toMatchObject({ __typename: 'ValidationError', field: 'amount' });
    const released = await mutate(shop, VOID, { id: payment.id });
    expect(released).toMatchObject({ status: 'captured', capturedAmount: { amount: '750' } });
    const refund = await mutate(shop, REFUND, { id: payment.id, amount: { amount: '700', currency: 'USD' } });
    expect(refund).toMatchObject({ status: 'partially_refunded', refundedAmount: { amount: '700' } });
    const over = await mutate(shop, REFUND, { id: payment.id, amount: { amount: '51', currency: 'USD' } });
    expect(over).toMatchObject({ __typename: 'ValidationError' });
    const rest = await mutate(shop, REFUND, { id: payment.id });
    expect(rest).toMatchObject({ status: 'refunded', refundedAmount: { amount: '750' } });
    const again = await mutate(shop, REFUND, { id: payment.id });
    expect(again).toMatchObject({
      __typename: 'InvalidTransitionError',
      from: 'refunded',
      operation: 'refund',
    });
    expect(await ledgerIsSound(t)).toEqual({ ok: true, problems: [] });
  });

  test('an action required: confirmPayment completes it; a wrong answer declines', async () => {
    const payment = await pay('action');
    expect(payment).toMatchObject({
      status: 'requires_action',
      nextAction: { type: 'three_ds', hint: 'Approve in your bank app' },
    });
    const confirmed = await mutate(shop, CONFIRM, { id: payment.id, response: 'ok' });
    expect(confirmed).toMatchObject({ status: 'captured', nextAction: null });
    const other = await pay('action');
    expect(await mutate(shop, CONFIRM, { id: other.id, response: 'wrong' })).toMatchObject({
      status: 'declined',
      declineReason: 'authentication_failed',
    });
  });

  test('a merchant cannot read or touch another merchant’s payment', async () => {
    const payment = await pay('approve', { captureMethod: 'manual' });
    const rival = (await t.createMerchant('Rival')).client;
    expect(await mutate(rival, PAYMENT, { id: payment.id })).toMatchObject({ __typename: 'NotFoundError' });
    expect(await mutate(rival, CAPTURE, { id: payment.id })).toMatchObject({ __typename: 'NotFoundError' });
    expect(await mutate(rival, VOID, { id: payment.id })).toMatchObject({ __typename: 'NotFoundError' });
    expect(await mutate(rival, REFUND, { id: payment.id })).toMatchObject({ __typename: 'NotFoundError' });
    const listed = await rival.data<{ payments: { edges: unknown[] } }>(
      '{ payments { edges { node { id } } } }',
    );
    expect(listed.payments.edges).toEqual([]);
    expect(await mutate(shop, PAYMENT, { id: payment.id })).toMatchObject({ status: 'authorized' });
  });
});

describe('money never goes through a float', () => {
  test('an amount above 2^53 minor units comes back exact', async () => {
    const big = '9007199254740993';
    const payment = await mutate(shop, CREATE_PAYMENT, {
      input: {
        customerId,
        method: 'test-card',
        sourceId: 'approve',
        amount: { amount: big, currency: 'USD' },
      },
    });
    expect(payment).toMatchObject({
      amount: { amount: big, decimal: '90071992547409.93' },
      capturedAmount: { amount: big },
    });
    expect(await mutate(shop, PAYMENT, { id: payment.id })).toMatchObject({
      capturedAmount: { amount: big },
    });
  });

  test('a float, a fraction or an unknown currency is a ValidationError', async () => {
    for (const amount of [
      { amount: '12.5', currency: 'USD' },
      { amount: '1e3', currency: 'USD' },
      { amount: '5', currency: 'XYZ' },
    ]) {
      const refused = await mutate(shop, CREATE_PAYMENT, {
        input: { customerId, method: 'test-card', sourceId: 'approve', amount },
      });
      expect(refused).toMatchObject({ __typename: 'ValidationError', field: 'amount' });
    }
  });
});
