import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { query } from '../../../core/db/sql.ts';
import { createTestGateway, type TestGateway } from '../../../core/testing/create-test-gateway.ts';
import type { HttpGraphQLClient } from '../../../core/testing/graphql-clients.ts';
import { paymentsPlugin } from '../../../plugins/payments/index.ts';
import type { MethodOutcome } from '../../../plugins/payments/payment-method.ts';
import { sandboxCardPlugin } from '../../../plugins/sandbox-card/index.ts';
import { SandboxCardAuthorization } from '../../../plugins/sandbox-card/network-authorization.entity.ts';
import { SandboxCardOperation } from '../../../plugins/sandbox-card/network-operation.entity.ts';
import {
  CREATE_PAYMENT,
  createCustomer,
  GET_PAYMENT,
  ledgerIsSound,
  mutate,
  RUN_JANITOR,
} from './e2e-support.ts';
import { TOKENIZE } from './support.ts';

/**
 * The gateway dying between recording an operation and sending it to the sandbox network: the
 * call never leaves (a promise that never settles, as a killed process never answers), and the
 * network never hears of it. "Time passes" moves the operation's clock back instead of waiting.
 */
let t: TestGateway;
let shop: HttpGraphQLClient;
let customerId: string;
const gone: ((error: Error) => void)[] = [];
const method = () => t.gateway.services['sandbox-card'].method;
const db = () => t.gateway.database.em.fork();
const dies = (): Promise<MethodOutcome> => new Promise((_, reject) => gone.push(reject));

beforeAll(async () => {
  t = await createTestGateway({
    plugins: [
      paymentsPlugin.with({
        methodTimeoutSeconds: 600,
        janitor: { intervalSeconds: 0, retryBaseSeconds: 0 },
      }),
      sandboxCardPlugin.with({ readTimeoutMs: 200, slowResponseMs: 20 }),
    ],
  });
  shop = (await t.createMerchant('Crashing card shop')).client;
  customerId = await createCustomer(shop, 'crash-customer');
});
afterAll(async () => {
  for (const reject of gone.splice(0)) reject(new Error('the process is gone'));
  await t?.close();
});

async function cardPayment(description: string) {
  const { tokenizeSandboxCard } = await shop.data<{ tokenizeSandboxCard: { id: string } }>(TOKENIZE, {
    input: { number: '4242424242424242', expMonth: 12, expYear: 2034, cvc: '123' },
  });
  return {
    input: {
      customerId,
      method: 'sandbox-card',
      sourceId: tokenizeSandboxCard.id,
      amount: { amount: '8800', currency: 'KRW' },
      description,
    },
  };
}

async function startedPayment(description: string, kind: string): Promise<string> {
  return vi.waitFor(
    async () => {
      const [row] = await query<{ id: string }>(
        db(),
        `select p.id from payment_intent p join payment_operation o on o.payment_id = p.id
          where p.description = ? and o.kind = ? and o.status = 'started'`,
        [description, kind],
      );
      if (!row) throw new Error('not recorded yet');
      return row.id;
    },
    { timeout: 10_000, interval: 20 },
  );
}

const timePasses = (paymentId: string) =>
  query(
    db(),
    `update payment_operation set next_check_at = least(next_check_at, now() - interval '1 second'),
        resolved_at = resolved_at - interval '1 hour' where payment_id = ?`,
    [paymentId],
  );

const operationsOf = (paymentId: string) =>
  query<{ kind: string; status: string; decline_reason: string | null; message: string | null }>(
    db(),
    'select kind, status, decline_reason, message from payment_operation where payment_id = ? order by created_at',
    [paymentId],
  );

describe('a crash before the card network heard of the operation', () => {
  test('an authorization that never reached the network is failed, not declined by the issuer', async () => {
    const request = await cardPayment('crash-before-authorize');
    vi.spyOn(method(), 'authorize').mockImplementationOnce(dies);
    const key = 'crash-before-authorize';
    void mutate(shop, CREATE_PAYMENT, { ...request, key }).catch(() => {});
    const paymentId = await startedPayment('crash-before-authorize', 'authorize');
    await timePasses(paymentId);
    await t.operator.data(RUN_JANITOR);
    const settled = await mutate(shop, GET_PAYMENT, { id: paymentId });
    expect(settled).toMatchObject({ status: 'failed', declineReason: null });
    expect(await operationsOf(paymentId)).toEqual([
      {
        kind: 'authorize',
        status: 'failed',
        decline_reason: null,
        message: 'The network never received this authorization',
      },
    ]);
    expect(await db().count(SandboxCardAuthorization, { operationKey: { $like: `${paymentId}:%` } })).toBe(0);
    // The retried key gets that answer at once; a new key pays anew.
    expect(await mutate(shop, CREATE_PAYMENT, { ...request, key })).toMatchObject({
      id: paymentId,
      status: 'failed',
    });
    expect(await mutate(shop, CREATE_PAYMENT, request)).toMatchObject({ status: 'captured' });
    expect(await ledgerIsSound(t.operator)).toBe(true);
  });

  test('an automatic capture that never reached the network is not a refusal: the janitor captures it', async () => {
    const request = await cardPayment('crash-before-capture');
    vi.spyOn(method(), 'capture').mockImplementationOnce(dies);
    void mutate(shop, CREATE_PAYMENT, request).catch(() => {});
    const paymentId = await startedPayment('crash-before-capture', 'capture');
    await timePasses(paymentId);
    await t.operator.data(RUN_JANITOR); // learns that the capture never happened
    expect(await mutate(shop, GET_PAYMENT, { id: paymentId })).toMatchObject({ status: 'authorized' });
    expect((await operationsOf(paymentId))[1]).toMatchObject({
      kind: 'capture',
      status: 'failed',
      decline_reason: null,
      message: 'The network never received this capture',
    });
    await timePasses(paymentId);
    await t.operator.data(RUN_JANITOR);
    expect(await mutate(shop, GET_PAYMENT, { id: paymentId })).toMatchObject({
      status: 'captured',
      capturedAmount: { amount: '8800' },
    });
    const [authorization] = await db().find(SandboxCardAuthorization, {
      operationKey: { $like: `${paymentId}:%` },
    });
    expect(authorization).toMatchObject({ amount: 8800n, captured: 8800n });
    expect(await db().count(SandboxCardOperation, { authorization: authorization!.id })).toBe(1);
    expect(await ledgerIsSound(t.operator)).toBe(true);
  });
});
