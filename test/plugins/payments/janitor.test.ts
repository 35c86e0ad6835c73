import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { query } from '../../../core/db/sql.ts';
import type { TestGateway } from '../../../core/testing/create-test-gateway.ts';
import type { HttpGraphQLClient } from '../../../core/testing/graphql-clients.ts';
import { walletPlugin } from '../../../plugins/wallet/index.ts';
import { createFakeAcquirer } from './fake-acquirer.ts';
import {
  bootPayments,
  CAPTURE,
  CREATE_PAYMENT,
  createCustomer,
  ledgerIsSound,
  mutate,
  PAYMENT,
} from './support.ts';

let t: TestGateway;
let shop: HttpGraphQLClient;
let customerId: string;
const network = createFakeAcquirer({ slowMs: 1500 });

beforeAll(async () => {
  t = await bootPayments([network.plugin, walletPlugin], {
    methodTimeoutSeconds: 0.3,
    authorizationHoldHours: 0.0003,
  });
  shop = (await t.createMerchant('Janitor shop')).client;
  customerId = await createCustomer(shop);
});
afterAll(() => t?.close());

const pay = (sourceId: string, extra: Record<string, unknown> = {}) =>
  mutate(shop, CREATE_PAYMENT, {
    input: {
      customerId,
      method: 'test-card',
      sourceId,
      amount: { amount: '990', currency: 'KRW' },
      ...extra,
    },
  });
const janitor = () =>
  t.operator.data<{ runPaymentJanitor: { checked: number; expired: number } }>(
    'mutation { runPaymentJanitor { checked expired purgedIdempotencyKeys } }',
  );
const callsFor = (paymentId: string, operation: string) =>
  network.calls.filter((c) => c.operationKey.startsWith(`${paymentId}:`) && c.operation === operation);
const entriesFor = async (paymentId: string) =>
  (
    await query(t.gateway.database.em.fork(), 'select id from journal_entry where reference = ?', [
      `payment:${paymentId}`,
    ])
  ).length;

describe('the janitor settles what a request could not', () => {
  test('a timeout after the network charged: unknown, then captured once by asking status, never charged twice', async () => {
    const payment = await pay('slow-approve');
    expect(payment).toMatchObject({ status: 'unknown' });
    expect(callsFor(payment.id, 'authorize')).toHaveLength(1);
    expect((await janitor()).runPaymentJanitor.checked).toBeGreaterThanOrEqual(1);
    const settled = await mutate(shop, PAYMENT, { id: payment.id });
    expect(settled).toMatchObject({ status: 'captured', capturedAmount: { amount: '990' } });
    await janitor();
    await new Promise((resolve) => setTimeout(resolve, 1600)); // the slow answer arrives late, to no effect
    await janitor();
    expect(callsFor(payment.id, 'authorize')).toHaveLength(1);
    expect(callsFor(payment.id, 'capture')).toHaveLength(1);
    expect(await entriesFor(payment.id)).toBe(1);
    expect((await mutate(shop, PAYMENT, { id: payment.id })).status).toBe('captured');
  });

  test('a connection lost after the charge is unknown, then settled once', async () => {
    const payment = await pay('crash-after-charge', { captureMethod: 'manual' });
    expect(payment.status).toBe('unknown');
    await janitor();
    expect(await mutate(shop, PAYMENT, { id: payment.id })).toMatchObject({ status: 'authorized' });
    expect(callsFor(payment.id, 'authorize')).toHaveLength(1);
  });

  test('a pending outcome is processing until the method decides', async () => {
    const approved = await pay('pending-then-approve');
    const declined = await pay('pending-then-decline');
    expect([approved.status, declined.status]).toEqual(['processing', 'processing']);
    await janitor();
    expect(await mutate(shop, PAYMENT, { id: approved.id })).toMatchObject({ status: 'captured' });
    expect(await mutate(shop, PAYMENT, { id: declined.id })).toMatchObject({
      status: 'declined',
      declineReason: 'do_not_honor',
    });
  });

  test('a new operation first asks about an earlier unknown one (and then goes on)', async () => {
    const payment = await pay('crash-after-charge', { captureMethod: 'manual' });
    expect(payment.status).toBe('unknown');
    const captured = await mutate(shop, CAPTURE, { id: payment.id });
    expect(captured).toMatchObject({ status: 'captured' });
    expect(callsFor(payment.id, 'authorize')).toHaveLength(1);
  });

  test('an operation claimed by a pass that never finishes is free again within twice the method timeout', async () => {
    // A process killed while the janitor asks `status` leaves its claim behind: the next pass,
    // in any process, must not wait minutes for it (the payment stays unsettled, its key in flight).
    const payment = await pay('charge-then-hang');
    expect(payment.status).toBe('unknown');
    const release = network.holdStatus();
    const pass = janitor();
    try {
      const claim = async () =>
        (
          await query<{ seconds: number }>(
            t.gateway.database.em.fork(),
            `select extract(epoch from next_check_at - now())::float8 as seconds
              from payment_operation where payment_id = ? and status in ('started', 'pending', 'unknown')`,
            [payment.id],
          )
        )[0]?.seconds ?? 0;
      let seconds = await claim();
      for (let i = 0; i < 50 && seconds <= 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 10));
        seconds = await claim();
      }
      expect(seconds).toBeGreaterThan(0); // claimed by the pass
      expect(seconds).toBeLessThanOrEqual(2); // methodTimeoutSeconds 0.3: the 2 s floor
    } finally {
      release();
      await pass;
    }
  });

  test('an authorization past its hold expires and releases the held funds', async () => {
    const { createWallet } = await shop.data<{ createWallet: { id: string } }>(
      'mutation($c: ID!) { createWallet(input: { customerId: $c, currency: "KRW" }) { ... on Wallet { id } } }',
      { c: customerId },
    );
    await mutate(
      shop,
      'mutation($i: TopUpWalletInput!) { topUpWallet(input: $i) { __typename ... on Error { message } } }',
      {
        i: {
          walletId: createWallet.id,
          method: 'test-card',
          sourceId: 'approve',
          amount: { amount: '5000', currency: 'KRW' },
        },
      },
    );
    const held = await mutate(shop, CREATE_PAYMENT, {
      input: {
        customerId,
        method: 'wallet',
        sourceId: createWallet.id,
        amount: { amount: '3000', currency: 'KRW' },
        captureMethod: 'manual',
      },
    });
    expect(held.status).toBe('authorized');
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(await mutate(shop, CAPTURE, { id: held.id })).toMatchObject({
      __typename: 'InvalidTransitionError',
      from: 'expired',
    });
    expect((await janitor()).runPaymentJanitor.expired).toBeGreaterThanOrEqual(1);
    expect(await mutate(shop, PAYMENT, { id: held.id })).toMatchObject({ status: 'expired' });
    const wallet = await shop.data<{ wallet: { balance: { amount: string }; held: { amount: string } } }>(
      'query($id: ID!) { wallet(id: $id) { ... on Wallet { balance { amount } held { amount } } } }',
      { id: createWallet.id },
    );
    expect(wallet.wallet).toEqual({ balance: { amount: '5000' }, held: { amount: '0' } });
  });

  test('an action nobody completed in time expires', async () => {
    const payment = await pay('action-expired');
    expect(payment.status).toBe('requires_action');
    await janitor();
    expect(await mutate(shop, PAYMENT, { id: payment.id })).toMatchObject({
      status: 'expired',
      nextAction: null,
    });
  });

  test('the ledger balances after all of it', async () => {
    expect(await ledgerIsSound(t)).toEqual({ ok: true, problems: [] });
  });
});
