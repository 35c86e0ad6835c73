import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestGateway, type TestGateway } from '../../../core/testing/create-test-gateway.ts';

/**
 * Issue 17's abuse limits, over HTTP and graphql-ws: per API key, per customer session, per
 * client address for anonymous callers, and API key guessing per address. Small limits here;
 * the two-process test shows the counters are shared (test/core/auth/two-processes.test.ts).
 */
let t: TestGateway;
beforeAll(async () => {
  t = await createTestGateway({
    config: {
      limits: {
        requests: {
          merchant: { requests: 3, perSeconds: 600 },
          customer: { requests: 2, perSeconds: 600 },
          anonymous: { requests: 4, perSeconds: 600 },
        },
        credentialFailures: { attempts: 3, perSeconds: 600, blockSeconds: 600 },
      },
    },
  });
});
afterAll(() => t?.close());

const SESSION =
  'mutation($ref: String!) { createCustomerSession(customerRef: $ref) { ... on CreatedCustomerSession { token } } }';

function expectLimited(response: {
  status: number;
  headers: Headers;
  errors?: { extensions?: Record<string, unknown> }[];
}) {
  expect(response.status).toBe(429);
  const retryAfter = Number(response.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThan(0);
  expect(response.errors?.[0]?.extensions).toMatchObject({
    code: 'RATE_LIMITED',
    retryAfterSeconds: retryAfter,
  });
}

describe('requests per credential', () => {
  test('a merchant key over its limit gets RATE_LIMITED with Retry-After, and the refused mutation does nothing', async () => {
    const { client } = await t.createMerchant('busy shop');
    const other = await t.createMerchant('quiet shop');
    // createMerchant used none of the merchant key's requests; these three use them all.
    for (let i = 0; i < 3; i++) expect((await client.request('{ viewer { kind } }')).status).toBe(200);
    const refused = await client.request(SESSION, { ref: 'too-many' });
    expectLimited(refused);
    expect(refused.data ?? null).toBeNull();
    expect((await other.client.request('{ viewer { kind } }')).status).toBe(200);
  });

  test('a customer session has its own, smaller limit', async () => {
    const { client } = await t.createMerchant('session shop');
    const { createCustomerSession } = await client.data<{ createCustomerSession: { token: string } }>(
      SESSION,
      {
        ref: 'eve',
      },
    );
    const customer = t.http(createCustomerSession.token);
    for (let i = 0; i < 2; i++) expect((await customer.request('{ viewer { kind } }')).status).toBe(200);
    expectLimited(await customer.request('{ viewer { kind } }'));
  });

  test('operations over a WebSocket count like requests', async () => {
    const { key } = await t.createMerchant('socket shop');
    const socket = t.websocket(key);
    for (let i = 0; i < 3; i++) {
      const ok = await socket.iterate<{ viewer: { kind: string } }>({ query: '{ viewer { kind } }' }).next();
      expect(ok.value.data).toEqual({ viewer: { kind: 'merchant' } });
    }
    await expect(socket.iterate({ query: '{ viewer { kind } }' }).next()).rejects.toEqual([
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'RATE_LIMITED' }) }),
    ]);
  });
});

describe('per client address', () => {
  test('anonymous requests count per address, then API key guesses block the address', async () => {
    // Anonymous: this file's other tests sent none.
    const before = await Promise.all([1, 2, 3, 4].map(() => t.anonymous.request('{ viewer { kind } }')));
    expect(before.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expectLimited(await t.anonymous.request('{ viewer { kind } }'));

    const guesses = [];
    for (let i = 0; i < 3; i++) guesses.push(await t.http(`gw_mk_guess${i}`).request('{ viewer { kind } }'));
    expect(guesses.map((r) => r.errors?.[0]?.extensions?.code)).toEqual([
      'UNAUTHENTICATED',
      'UNAUTHENTICATED',
      'UNAUTHENTICATED',
    ]);
    expectLimited(await t.http('gw_mk_guess3').request('{ viewer { kind } }'));
    expectLimited(await t.http('gw_mk_guess4').request('{ viewer { kind } }'));
    await expect(
      t.websocket('gw_mk_guess5').iterate({ query: '{ viewer { kind } }' }).next(),
    ).rejects.toMatchObject({
      code: 4403,
    });
  });
});
