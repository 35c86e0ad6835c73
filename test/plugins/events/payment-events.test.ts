import { afterAll, beforeAll, expect, test } from 'vitest';
import type { TestGateway } from '../../../core/testing/create-test-gateway.ts';
import { eventsPlugin } from '../../../plugins/events/index.ts';
import { PayFromAccountBatcher } from '../../../plugins/payments/pay-from-account-batcher.ts';
import { walletPlugin } from '../../../plugins/wallet/index.ts';
import { createFakeAcquirer } from '../payments/fake-acquirer.ts';
import {
  bootPayments,
  CREATE_PAYMENT,
  createCustomer,
  fundedWallet,
  mutate,
  REFUND,
  walletItem,
} from '../payments/support.ts';
import { collect, EVENT_FIELDS, logIds, testOptions } from './support.ts';

const SUBSCRIBE = `subscription($after: String) { paymentEvents(after: $after) { ${EVENT_FIELDS} } }`;

let t: TestGateway;
beforeAll(async () => {
  t = await bootPayments([
    createFakeAcquirer().plugin,
    walletPlugin,
    eventsPlugin.with(testOptions() as never),
  ]);
});
afterAll(() => t?.close());

test('payments, refunds and payouts publish their state changes; a subscriber that reconnects with its cursor gets exactly what it missed', async () => {
  const { merchantId, client, key } = await t.createMerchant('Event shop');
  const customerId = await createCustomer(client);
  const { createWallet } = await client.data<{ createWallet: { id: string } }>(
    'mutation($c: ID!) { createWallet(input: { customerId: $c, currency: "KRW" }) { ... on Wallet { id } } }',
    { c: customerId },
  );

  // Connected: a card top-up of the wallet (the general path: created, authorized, captured).
  const first = collect(t.websocket(key), SUBSCRIBE, { after: '0' });
  const topUp = await mutate(
    client,
    'mutation($i: TopUpWalletInput!) { topUpWallet(input: $i) { __typename ... on Payment { id } } }',
    {
      i: {
        walletId: createWallet.id,
        method: 'test-card',
        sourceId: 'approve',
        amount: { amount: '5000', currency: 'KRW' },
      },
    },
  );
  const seen = await first.until(3);
  first.stop();
  await first.done;
  expect(seen.map((e) => [e.type, e.payload.paymentId, e.payload.purpose])).toEqual([
    ['payment.created', topUp.id, 'top_up'],
    ['payment.authorized', topUp.id, 'top_up'],
    ['payment.captured', topUp.id, 'top_up'],
  ]);
  expect(seen.at(-1)!.payload).toMatchObject({
    amount: '5000',
    capturedAmount: '5000',
    currency: 'KRW',
    status: 'captured',
    previousStatus: 'authorized',
  });
  const cursor = seen.at(-1)!.cursor;

  // Disconnected: two wallet payments (one round trip each), a refund, a payout.
  const pay = (amount: string) =>
    mutate(client, CREATE_PAYMENT, {
      input: { customerId, method: 'wallet', sourceId: createWallet.id, amount: { amount, currency: 'KRW' } },
    });
  const p1 = await pay('100');
  const p2 = await pay('250');
  expect(await mutate(client, REFUND, { id: p1.id })).toMatchObject({ status: 'refunded' });
  await new Promise((resolve) => setTimeout(resolve, 5));
  const { runSettlement } = await t.operator.data<{
    runSettlement: { payouts: { id: string; merchantId: string }[] };
  }>(
    'mutation($end: DateTime!) { runSettlement(periodEnd: $end) { ... on SettlementRun { payouts { id merchantId } } } }',
    { end: new Date().toISOString() },
  );
  const payout = runSettlement.payouts.find((p) => p.merchantId === merchantId)!;
  await t.operator.data(
    'mutation($id: ID!) { markPayoutPaid(payoutId: $id, bankReference: "BANK-1") { __typename } }',
    { id: payout.id },
  );

  // Reconnected with the last cursor: exactly the missed events, in commit order, then live ones.
  const second = collect(t.websocket(key), SUBSCRIBE, { after: cursor });
  const missed = [...(await second.until(7))];
  const p3 = await pay('50');
  const all = await second.until(8);
  second.stop();

  const refund = missed.find((e) => e.type === 'refund.created')!;
  expect(missed.map((e) => e.type)).toEqual([
    'payment.captured',
    'payment.captured',
    'refund.created',
    ...missed.slice(3, 5).map((e) => e.type),
    'payout.created',
    'payout.paid',
  ]);
  expect(missed.slice(0, 2).map((e) => [e.payload.paymentId, e.payload.amount, e.payload.purpose])).toEqual([
    [p1.id, '100', 'payment'],
    [p2.id, '250', 'payment'],
  ]);
  // The refund's transaction: the refund starts, then the payment and the refund move together.
  expect(missed[2]!.type).toBe('refund.created');
  expect(new Set(missed.slice(3, 5).map((e) => e.type))).toEqual(
    new Set(['payment.refunded', 'refund.succeeded']),
  );
  expect(missed.slice(2, 5).every((e) => e.payload.paymentId === p1.id)).toBe(true);
  expect(refund.payload).toMatchObject({ amount: '100', currency: 'KRW' });
  expect(missed.slice(5, 7).map((e) => [e.type, e.payload.payoutId])).toEqual([
    ['payout.created', payout.id],
    ['payout.paid', payout.id],
  ]);
  expect(missed[5]!.payload).toMatchObject({ amount: '250', currency: 'KRW', status: 'pending' });
  // Stored and live together are exactly the log after the cursor: no gap, no duplicate.
  expect(all.map((e) => e.id)).toEqual(await logIds(t, key, cursor));
  expect(all.at(-1)).toMatchObject({ type: 'payment.captured', payload: { paymentId: p3.id, amount: '50' } });
  // No personal data: the customer's reference never appears in any payload.
  expect(JSON.stringify([...seen, ...all])).not.toMatch(/user-0\.\d+/);
});

test('wallet payments that share a batch publish one event each, in the order they arrived', async () => {
  const { merchantId, client, key } = await t.createMerchant('Batch shop');
  const holder = await fundedWallet(client, 1000n);
  const stream = collect(t.websocket(key), SUBSCRIBE, { after: '0' });
  await stream.until(3);
  // One batch in flight: the first payment goes alone, the other four wait and travel together.
  const batcher = new PayFromAccountBatcher(t.gateway.database.orm, t.gateway.log, {
    concurrency: 1,
    maxSize: 100,
    idempotencyTtlSeconds: 86_400,
    merchantBalanceStripes: 4,
  });
  const amounts = ['10', '20', '30', '40', '5000'];
  const answers = await Promise.all(
    amounts.map((amount) => batcher.pay(walletItem(merchantId, holder, amount))),
  );
  expect(answers.map((a) => a.outcome)).toEqual([
    'captured',
    'captured',
    'captured',
    'captured',
    'insufficient_funds',
  ]);
  const events = (await stream.until(7)).slice(3);
  stream.stop();
  expect(
    events.map((e) => [e.type, e.payload.paymentId, e.payload.amount, e.payload.previousStatus]),
  ).toEqual(answers.slice(0, 4).map((a, n) => ['payment.captured', a.payment_id, amounts[n], null]));
});
