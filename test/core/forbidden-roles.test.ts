import { afterAll, beforeAll, expect, test } from 'vitest';
import { createTestGateway, type TestGateway } from '../../core/testing/create-test-gateway.ts';

// FORBIDDEN says which kind of caller the field is for, so the caller knows which key to use.

let t: TestGateway;
beforeAll(async () => {
  t = await createTestGateway();
});
afterAll(() => t?.close());

test('a merchant calling an operator field is told that an operator is required', async () => {
  const { client } = await t.createMerchant();
  const result = await client.request('mutation { createMerchant(name: "Mine") { __typename } }');
  expect(result.errors?.[0]?.extensions).toMatchObject({
    code: 'FORBIDDEN',
    requiredRoles: ['operator'],
    field: 'Mutation.createMerchant',
  });
  expect(result.errors?.[0]?.message).toMatch(/Mutation\.createMerchant needs operator; you are merchant/);
});

test('a field open to several kinds names each of them', async () => {
  const { client } = await t.createMerchant();
  const { createCustomerSession } = await client.data<{ createCustomerSession: { token: string } }>(
    'mutation { createCustomerSession(customerRef: "c-1") { ... on CreatedCustomerSession { token } } }',
  );
  const result = await t
    .http(createCustomerSession.token)
    .request(
      'mutation { grantPartnerAccess(partnerId: "00000000-0000-4000-8000-000000000000") { __typename } }',
    );
  expect(result.errors?.[0]?.extensions).toMatchObject({
    code: 'FORBIDDEN',
    requiredRoles: ['operator', 'merchant'],
  });
});
