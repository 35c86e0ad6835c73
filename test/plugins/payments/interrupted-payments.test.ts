import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { query } from '../../../core/db/sql.ts';
import type { TestGateway } from '../../../core/testing/create-test-gateway.ts';
import type { HttpGraphQLClient } from '../../../core/testing/graphql-clients.ts';
import { createFakeAcquirer } from './fake-acquirer.ts';
import { bootPayments, CREATE_PAYMENT, createCustomer, ledgerIsSound, mutate, PAYMENT } from './support.ts';

/**
 * What a crash or a database outage leaves behind, and how the gateway finishes it by itself.
 * A call that never returns (`charge-then-hang`) is a gateway that died mid-call: nothing more
 * comes from that request, and its rows stay as it left them. "Time passes" moves the rows'
 * clocks back instead of waiting.
 */
let t: TestGateway;
let shop: HttpGraphQLClient;
let customerId: string;
const network = createFakeAcquirer();
const db = () => t.gateway.database.em.fork();

beforeAll(async () => {
  // A long method timeout: the hung call is never given up on by its own request, as after a crash.
  t = await bootPayments([network.plugin], { methodTimeoutSeconds: 600 });
  shop = (await t.createMerchant('Interrupted shop')).client;
  customerId = await createCustomer(shop);
});
afterAll(async () => {
  network.releaseHung();
  await t?.close();
});

const input = (sourceId: string, description: string) => ({
  input: {
    customerId,
    method: 'test-card',
    sourceId,
    amount: { amount: '4200', currency: 'KRW' },
    description,
  },
});
const withKey = (key: string) => ({ 'idempotency-key': key });
const janitor = async () =>
  (
    await t.operator.data<{ runPaymentJanitor: Record<string, number> }>(
      'mutation { runPaymentJanitor { checked captured released expired } }',
    )
  ).runPaymentJanitor;
const current = (id: string) => mutate(shop, PAYMENT, { id });
const callsFor = (paymentId: string, operation: string) =>
  network.calls.filter((c) => c.operationKey.startsWith(`${paymentId}:`) && c.operation === operation);
const kinds = (payment: { operations: { kind: string; status: string }[] }) =>
  payment.operations.map((o) => `${o.kind}:${o.status}`);

/** The payment a hung request recorded before its call (transaction 1). */
async function startedPayment(description: string): Promise<string> {
  return vi.waitFor(
    async () => {
      const [row] = await query<{ id: string }>(
        db(),
        `select p.id from payment_intent p join payment_operation o on o.payment_id = p.id
          where p.description = ? and o.status = 'started'`,
        [description],
      );
      if (!row) throw new Error('not recorded yet');
      return row.id;
    },
    { timeout: 10_000, interval: 20 },
  );
}

/** As if the minutes a crashed call is given, and the janitor's grace, had passed. */
const timePasses = (paymentId: string) =>
  query(
    db(),
    `update payment_operation set next_check_at = least(next_check_at, now() - interval '1 second'),
        resolved_at = resolved_at - interval '1 hour', created_at = created_at - interval '1 hour'
      where payment_id = ?`,
    [paymentId],
  );

/** A database that refuses to start any capture, as during an outage. */
const captureOutage = {
  begin: async () => {
    await query(
      db(),
      `create or replace function test_refuse_captures() returns trigger language plpgsql as $$
        begin raise exception 'the database is unreachable'; end $$`,
    );
    await query(
      db(),
      `create trigger test_refuse_captures before insert on payment_operation
        for each row when (new.kind = 'capture') execute function test_refuse_captures()`,
    );
  },
  end: () => query(db(), 'drop trigger test_refuse_captures on payment_operation'),
};

describe('a retried key after an interrupted card payment', () => {
  test('gets the settled payment as soon as the janitor settled it, not when its lease ends', async () => {
    const key = 'interrupted-authorization';
    const request = input('charge-then-hang', key);
    const first = mutate(shop, CREATE_PAYMENT, request, withKey(key));
    const paymentId = await startedPayment(key);
    // While the call may still be running somewhere, the key is in flight: nothing runs twice.
    expect(await mutate(shop, CREATE_PAYMENT, request, withKey(key))).toMatchObject({
      __typename: 'IdempotencyInFlightError',
      code: 'IDEMPOTENCY_IN_FLIGHT',
    });
    await timePasses(paymentId);
    expect((await janitor()).checked).toBeGreaterThanOrEqual(1);
    // Settled (authorized at the network, then captured by the janitor): the retry gets it now.
    expect(await mutate(shop, CREATE_PAYMENT, request, withKey(key))).toMatchObject({
      __typename: 'Payment',
      id: paymentId,
      status: 'captured',
    });
    network.releaseHung();
    expect(await first).toMatchObject({ id: paymentId, status: 'captured' });
    expect(callsFor(paymentId, 'authorize')).toHaveLength(1);
    expect(callsFor(paymentId, 'capture')).toHaveLength(1);
  });
});

describe('an automatic capture that never started', () => {
  test('after a database outage at the capture, the janitor captures it once its grace has passed', async () => {
    const key = 'outage-at-capture';
    const request = input('approve', key);
    await captureOutage.begin();
    let first: Awaited<ReturnType<typeof mutate>>;
    try {
      first = await mutate(shop, CREATE_PAYMENT, request, withKey(key));
    } finally {
      await captureOutage.end();
    }
    // The authorization stands and is the answer; the capture is the gateway's to finish.
    expect(first).toMatchObject({ __typename: 'Payment', status: 'authorized' });
    expect(kinds(first)).toEqual(['authorize:succeeded']);
    await janitor();
    expect((await current(first.id)).status).toBe('authorized'); // the request's own capture may still be coming
    await timePasses(first.id);
    expect(await janitor()).toMatchObject({ captured: 1, released: 0 });
    const captured = await current(first.id);
    expect(captured).toMatchObject({ status: 'captured', capturedAmount: { amount: '4200' } });
    expect(kinds(captured)).toEqual(['authorize:succeeded', 'capture:succeeded']);
    expect(await mutate(shop, CREATE_PAYMENT, request, withKey(key))).toMatchObject({
      id: first.id,
      status: 'captured',
    });
    await janitor();
    expect(callsFor(first.id, 'authorize')).toHaveLength(1);
    expect(callsFor(first.id, 'capture')).toHaveLength(1);
    expect(await ledgerIsSound(t)).toEqual({ ok: true, problems: [] });
  });

  test('after a crash mid-authorization and an outage at the janitor’s capture: captured later, and the key waits for it', async () => {
    const key = 'crash-then-outage';
    const request = input('charge-then-hang', key);
    const first = mutate(shop, CREATE_PAYMENT, request, withKey(key));
    const paymentId = await startedPayment(key);
    await timePasses(paymentId);
    await captureOutage.begin();
    try {
      await janitor(); // learns the authorization; its capture cannot start
    } finally {
      await captureOutage.end();
    }
    expect(await current(paymentId)).toMatchObject({ status: 'authorized' });
    // Not settled yet: an automatic-capture payment is answered once its capture is decided.
    expect(await mutate(shop, CREATE_PAYMENT, request, withKey(key))).toMatchObject({
      __typename: 'IdempotencyInFlightError',
    });
    await timePasses(paymentId);
    await janitor();
    expect(await mutate(shop, CREATE_PAYMENT, request, withKey(key))).toMatchObject({
      __typename: 'Payment',
      id: paymentId,
      status: 'captured',
    });
    network.releaseHung();
    expect(await first).toMatchObject({ id: paymentId, status: 'captured' });
    expect(callsFor(paymentId, 'capture')).toHaveLength(1);
    expect(await ledgerIsSound(t)).toEqual({ ok: true, problems: [] });
  });

  test('a capture the method refuses is asked once more by the janitor, then the hold is released', async () => {
    const payment = await mutate(shop, CREATE_PAYMENT, input('capture-declines', 'refused-capture'));
    expect(payment).toMatchObject({ status: 'authorized' });
    expect(kinds(payment)).toEqual(['authorize:succeeded', 'capture:failed']);
    await timePasses(payment.id);
    expect(await janitor()).toMatchObject({ captured: 0, released: 1 });
    const released = await current(payment.id);
    expect(released).toMatchObject({ status: 'voided', capturedAmount: { amount: '0' } });
    expect(kinds(released)).toEqual([
      'authorize:succeeded',
      'capture:failed',
      'capture:failed',
      'void:succeeded',
    ]);
    const holds = await query<{ status: string }>(
      db(),
      'select status from ledger_hold where reference = ?',
      [`payment:${payment.id}`],
    );
    expect(holds.map((h) => h.status)).toEqual(['voided']);
    await timePasses(payment.id);
    await janitor();
    expect(callsFor(payment.id, 'capture')).toHaveLength(2);
    expect(callsFor(payment.id, 'void')).toHaveLength(1);
    expect(await ledgerIsSound(t)).toEqual({ ok: true, problems: [] });
  });
});
