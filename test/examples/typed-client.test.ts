import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse, validate } from 'graphql';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestGateway, type TestGateway } from '../../core/testing/create-test-gateway.ts';
import { balances, pay } from '../../examples/typed-client/src/wallet-balance.ts';
import { paymentsPlugin } from '../../plugins/payments/index.ts';
import { walletPlugin } from '../../plugins/wallet/index.ts';

// The typed-client example (docs/typed-client.md) against real gateways: its generated documents
// fit today's schema, it runs with persisted operations off (the default) and on, and with them
// on the gateway runs listed operations only.

const MANIFEST = fileURLToPath(
  new URL('../../examples/typed-client/gql/persisted-documents.json', import.meta.url),
);
const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8')) as Record<string, string>;

async function shopWithCustomer(t: TestGateway) {
  const shop = await t.createMerchant('Typed shop');
  const { createCustomer } = await shop.client.data<{ createCustomer: { id: string } }>(
    'mutation { createCustomer(input: { customerRef: "typed-1", jurisdiction: "KR" }) { ... on Customer { id } } }',
  );
  const { createWallet } = await shop.client.data<{ createWallet: { id: string } }>(
    'mutation($c: ID!) { createWallet(input: { customerId: $c, currency: "KRW" }) { ... on Wallet { id } } }',
    { c: createCustomer.id },
  );
  const { createCustomerSession } = await shop.client.data<{ createCustomerSession: { token: string } }>(
    'mutation { createCustomerSession(customerRef: "typed-1") { ... on CreatedCustomerSession { token } } }',
  );
  return {
    shop,
    customerId: createCustomer.id,
    walletId: createWallet.id,
    session: createCustomerSession.token,
  };
}

describe('persisted operations off (the default)', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await createTestGateway({ plugins: [paymentsPlugin, walletPlugin] });
  });
  afterAll(() => t?.close());

  test('every generated document validates against the gateway’s schema', () => {
    expect(Object.keys(manifest).length).toBeGreaterThan(0);
    for (const [hash, document] of Object.entries(manifest)) {
      expect(validate(t.gateway.schema, parse(document)), hash).toEqual([]);
    }
  });

  test('the example app reads balances and pays, typed, with documents sent as text', async () => {
    const { shop, customerId, walletId, session } = await shopWithCustomer(t);
    expect(await balances({ url: t.url, token: session })).toEqual(['KRW 0']);
    expect(await pay({ url: t.url, token: shop.key }, customerId, walletId, '10')).toBe('only 0 available');
  });
});

describe('persisted operations on, text allowed too', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await createTestGateway({
      plugins: [paymentsPlugin, walletPlugin],
      config: { http: { persistedOperations: { file: MANIFEST, allowArbitraryOperations: true } } },
    });
  });
  afterAll(() => t?.close());

  test('the example app runs by hash; an unknown hash is refused', async () => {
    const { shop, customerId, walletId, session } = await shopWithCustomer(t);
    expect(await balances({ url: t.url, token: session, persisted: true })).toEqual(['KRW 0']);
    expect(await pay({ url: t.url, token: shop.key, persisted: true }, customerId, walletId, '10')).toBe(
      'only 0 available',
    );
    const unknown = await fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: 'sha256:nope' } } }),
    });
    const body = (await unknown.json()) as { errors: { extensions: { code: string } }[] };
    expect(body.errors[0]?.extensions.code).toBe('PERSISTED_QUERY_NOT_IN_LIST');
  });
});

describe('persisted operations on, listed operations only', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await createTestGateway({
      plugins: [paymentsPlugin, walletPlugin],
      config: { http: { persistedOperations: { file: MANIFEST } } },
    });
  });
  afterAll(() => t?.close());

  test('an operation sent as text is refused and runs nothing; a listed one runs', async () => {
    const text = await t.operator.request('mutation { createMerchant(name: "Not listed") { __typename } }');
    expect(text.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_ONLY');
    expect(
      await t.gateway.database.em.fork().getConnection().execute('select count(*)::int as n from merchant'),
    ).toEqual([{ n: 0 }]);
    await expect(balances({ url: t.url, persisted: true })).rejects.toThrow(/Authentication required/);
  });
});
