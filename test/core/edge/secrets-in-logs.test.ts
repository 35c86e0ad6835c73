import { afterAll, beforeAll, expect, test } from 'vitest';
import type { TestGateway } from '../../../core/testing/create-test-gateway.ts';
import { bootFullGateway, postRaw } from './support.ts';

/**
 * Issue 17, hole 7: a key sent where an id belongs was logged in clear inside the driver's
 * error text. The gateway logs at debug level here, and every line it writes is scanned.
 */
let t: TestGateway;
let merchant: { merchantId: string; key: string };
const CARD = '4242424242424242';
const PHONE = '010-9876-5432';
const PHONE_DIGITS = '01098765432';

beforeAll(async () => {
  t = await bootFullGateway({ log: { level: 'debug' } });
  merchant = await t.createMerchant();
});
afterAll(() => t?.close());

function expectNothingInClear(secrets: string[]): void {
  const text = t.logs.join('\n');
  for (const secret of secrets)
    expect(text, `logged in clear: ${secret.slice(0, 10)}...`).not.toContain(secret);
}

test('keys, card numbers and phone numbers sent where ids, amounts and cursors belong', async () => {
  const secrets = [merchant.key, t.operatorKey, CARD, PHONE, PHONE_DIGITS];
  const places: [string, string, Record<string, unknown>][] = [];
  for (const value of secrets) {
    places.push(
      ['mutation($v: ID!) { revokeApiKey(id: $v) { __typename } }', t.operatorKey, { v: value }],
      [`mutation { revokeApiKey(id: ${JSON.stringify(value)}) { __typename } }`, t.operatorKey, {}],
      ['query($v: ID!) { merchant(id: $v) { __typename } }', t.operatorKey, { v: value }],
      ['query($v: ID!) { wallet(id: $v) { __typename } }', merchant.key, { v: value }],
      ['query($v: [ID!]) { events(merchantIds: $v) { hasMore } }', t.operatorKey, { v: [value] }],
      ['query($v: String) { payments(after: $v) { edges { cursor } } }', merchant.key, { v: value }],
      [
        'query($v: ID) { payments(filter: { customerId: $v }) { edges { cursor } } }',
        merchant.key,
        { v: value },
      ],
      [
        'mutation($v: String!) { createPayment(input: { customerId: "00000000-0000-4000-8000-000000000000", method: "wallet", sourceId: $v, amount: { amount: $v, currency: "KRW" } }) { __typename } }',
        merchant.key,
        { v: value },
      ],
    );
  }
  for (const [query, token, variables] of places) {
    const answer = await postRaw(t, token, query, variables);
    expect(answer.status, answer.text).toBeLessThan(500);
  }
  expectNothingInClear(secrets);
});

test('a driver error that quotes a secret is logged without its text', async () => {
  const em = t.gateway.database.em.fork();
  const failure = await em.execute(`select * from api_key where id = ?`, [merchant.key]).then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(failure).toBeDefined();
  // As the janitor, the event pump or a resolver would log it.
  t.gateway.log.error({ err: failure }, 'a background task failed');
  t.gateway.log.child({ plugin: 'x' }).warn({ err: new Error('wrapped', { cause: failure }) }, 'wrapped');
  const line = t.logs.find((l) => l.includes('a background task failed'));
  expect(line).toContain('22P02');
  expect(line).toContain('"stack"');
  expectNothingInClear([merchant.key]);
});
