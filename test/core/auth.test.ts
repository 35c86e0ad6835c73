import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestGateway, type TestGateway } from '../../core/testing/create-test-gateway.ts';

let t: TestGateway;
beforeAll(async () => {
  t = await createTestGateway();
});
afterAll(() => t?.close());

const CREATE_KEY = `mutation($input: CreateApiKeyInput!) {
  createApiKey(input: $input) {
    __typename
    ... on CreatedApiKey { secret apiKey { id prefix kind merchantId } }
    ... on Error { code message }
  }
}`;

async function rawTableText(table: string): Promise<string> {
  const rows = await t.gateway.database.em.fork().execute(`select * from "${table}"`);
  return JSON.stringify(rows);
}

describe('API keys', () => {
  test('a key is shown once at creation, stored only as a hash, and works at once', async () => {
    const { merchantId } = await t.createMerchant('Key shop');
    const created = await t.operator.data<{
      createApiKey: { secret: string; apiKey: { id: string; prefix: string } };
    }>(CREATE_KEY, { input: { kind: 'merchant', label: 'till 1', merchantId } });
    const { secret, apiKey } = created.createApiKey;
    expect(secret).toMatch(/^gw_mk_[A-Za-z0-9_-]{43}$/);
    expect(secret.startsWith(apiKey.prefix)).toBe(true);
    expect(await rawTableText('api_key')).not.toContain(secret.slice(6));
    const listed = await t.operator.data<{ apiKeys: { edges: { node: Record<string, unknown> }[] } }>(
      '{ apiKeys { edges { node { id label prefix } } } }',
    );
    expect(JSON.stringify(listed)).not.toContain(secret);
    expect(await t.http(secret).data('{ viewer { kind merchantId } }')).toEqual({
      viewer: { kind: 'merchant', merchantId },
    });
  });

  test('a revoked key stops working on the next request', async () => {
    const { key, client } = await t.createMerchant('Revoked shop');
    const keys = await client.data<{ apiKeys: { edges: { node: { id: string } }[] } }>(
      '{ apiKeys { edges { node { id } } } }',
    );
    const id = keys.apiKeys.edges[0]!.node.id;
    await client.data('mutation($id: ID!) { revokeApiKey(id: $id) { ... on ApiKey { revokedAt } } }', { id });
    const after = await t.http(key).request('{ viewer { kind } }');
    expect(after.status).toBe(401);
    expect(after.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  test('a merchant key can mint keys for its own merchant only', async () => {
    const a = await t.createMerchant('A');
    const b = await t.createMerchant('B');
    const own = await a.client.data<{ createApiKey: { __typename: string; apiKey: { merchantId: string } } }>(
      CREATE_KEY,
      {
        input: { kind: 'merchant', label: 'second till' },
      },
    );
    expect(own.createApiKey.apiKey.merchantId).toBe(a.merchantId);
    const foreign = await a.client.data<{ createApiKey: { __typename: string; code: string } }>(CREATE_KEY, {
      input: { kind: 'merchant', label: 'sneaky', merchantId: b.merchantId },
    });
    expect(foreign.createApiKey).toMatchObject({ __typename: 'ValidationError', code: 'VALIDATION_FAILED' });
    const operatorKey = await a.client.data<{ createApiKey: { __typename: string } }>(CREATE_KEY, {
      input: { kind: 'operator', label: 'escalate' },
    });
    expect(operatorKey.createApiKey.__typename).toBe('ValidationError');
  });

  test('a merchant sees neither other merchants nor their keys', async () => {
    const a = await t.createMerchant('Private A');
    const b = await t.createMerchant('Private B');
    const peek = await a.client.data<{ merchant: { __typename: string } }>(
      'query($id: ID!) { merchant(id: $id) { __typename } }',
      { id: b.merchantId },
    );
    expect(peek.merchant.__typename).toBe('NotFoundError');
    const list = await a.client.request('{ merchants { edges { node { id } } } }');
    expect(list.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const keys = await a.client.data<{ apiKeys: { edges: { node: { merchantId: string } }[] } }>(
      '{ apiKeys { edges { node { merchantId } } } }',
    );
    expect(new Set(keys.apiKeys.edges.map((e) => e.node.merchantId))).toEqual(new Set([a.merchantId]));
  });

  test('anonymous callers are told to authenticate; other principals are forbidden', async () => {
    const anonymous = await t.anonymous.request('mutation { createMerchant(name: "x") { __typename } }');
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const { client } = await t.createMerchant('Not an operator');
    const merchant = await client.request('mutation { createMerchant(name: "x") { __typename } }');
    expect(merchant.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('partners and customer sessions', () => {
  test('a partner key sees the merchants that granted it access', async () => {
    const { client: merchant, merchantId } = await t.createMerchant('Granting shop');
    const partner = await t.operator.data<{ createPartner: { id: string } }>(
      'mutation { createPartner(name: "Reconciler") { ... on Partner { id } } }',
    );
    const partnerId = partner.createPartner.id;
    const key = await t.operator.data<{ createApiKey: { secret: string } }>(CREATE_KEY, {
      input: { kind: 'partner', label: 'recon', partnerId },
    });
    const partnerClient = t.http(key.createApiKey.secret);
    expect(await partnerClient.data('{ viewer { kind partnerId } }')).toEqual({
      viewer: { kind: 'partner', partnerId },
    });
    const before = await partnerClient.data<{ merchant: { __typename: string } }>(
      'query($id: ID!) { merchant(id: $id) { __typename } }',
      { id: merchantId },
    );
    expect(before.merchant.__typename).toBe('NotFoundError');
    await merchant.data(
      'mutation($p: ID!) { grantPartnerAccess(partnerId: $p) { ... on PartnerGrant { id } } }',
      {
        p: partnerId,
      },
    );
    const after = await partnerClient.data<{ merchant: { __typename: string } }>(
      'query($id: ID!) { merchant(id: $id) { __typename ... on Merchant { name } } }',
      { id: merchantId },
    );
    expect(after.merchant).toEqual({ __typename: 'Merchant', name: 'Granting shop' });
  });

  test('a merchant mints a customer session; its token acts for that end user only', async () => {
    const { client, merchantId } = await t.createMerchant('Session shop');
    const created = await client.data<{
      createCustomerSession: { token: string; session: { expiresAt: string } };
    }>(
      'mutation { createCustomerSession(customerRef: "user-42", ttlSeconds: 600) { ... on CreatedCustomerSession { token session { expiresAt } } } }',
    );
    const { token, session } = created.createCustomerSession;
    expect(token).toMatch(/^gw_cs_/);
    expect(Date.parse(session.expiresAt) - Date.now()).toBeGreaterThan(590_000);
    expect(await t.http(token).data('{ viewer { kind merchantId customerRef } }')).toEqual({
      viewer: { kind: 'customer', merchantId, customerRef: 'user-42' },
    });
    const escalate = await t
      .http(token)
      .request('mutation { createCustomerSession(customerRef: "other") { __typename } }');
    expect(escalate.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const tooLong = await client.data<{ createCustomerSession: { __typename: string; field: string } }>(
      'mutation { createCustomerSession(customerRef: "u", ttlSeconds: 999999) { __typename ... on ValidationError { field } } }',
    );
    expect(tooLong.createCustomerSession).toEqual({ __typename: 'ValidationError', field: 'ttlSeconds' });
  });

  test('an expired session token is refused', async () => {
    const { client } = await t.createMerchant('Expiry shop');
    const created = await client.data<{ createCustomerSession: { token: string; session: { id: string } } }>(
      'mutation { createCustomerSession(customerRef: "late", ttlSeconds: 60) { ... on CreatedCustomerSession { token session { id } } } }',
    );
    await t.gateway.database.em
      .fork()
      .execute(`update "customer_session" set "expires_at" = now() - interval '1 second' where "id" = ?`, [
        created.createCustomerSession.session.id,
      ]);
    const result = await t.http(created.createCustomerSession.token).request('{ viewer { kind } }');
    expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
