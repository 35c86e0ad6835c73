import { afterAll, beforeAll, expect, test } from 'vitest';
import { createTestGateway, type TestGateway } from '../../../core/testing/create-test-gateway.ts';
import { paymentsPlugin } from '../../../plugins/payments/index.ts';

// The merchant's own id for an end user is `customerRef` everywhere (sessions, Viewer, data-subject
// requests, customers). `externalRef` was its old name on customers: kept, deprecated, for one release.

let t: TestGateway;
beforeAll(async () => {
  t = await createTestGateway({ plugins: [paymentsPlugin] });
});
afterAll(() => t?.close());

const CREATE = `mutation($input: CreateCustomerInput!) {
  createCustomer(input: $input) { __typename ... on Customer { id customerRef externalRef } ... on ValidationError { field message } }
}`;
type Created = { __typename: string; customerRef?: string; externalRef?: string; field?: string };

test('createCustomer takes customerRef, and Customer answers it under both names', async () => {
  const { client } = await t.createMerchant();
  const { createCustomer } = await client.data<{ createCustomer: Created }>(CREATE, {
    input: { customerRef: 'user-42', jurisdiction: 'KR' },
  });
  expect(createCustomer).toMatchObject({
    __typename: 'Customer',
    customerRef: 'user-42',
    externalRef: 'user-42',
  });
});

test('the deprecated externalRef input still works for one release', async () => {
  const { client } = await t.createMerchant();
  const { createCustomer } = await client.data<{ createCustomer: Created }>(CREATE, {
    input: { externalRef: 'user-7', jurisdiction: 'DE' },
  });
  expect(createCustomer).toMatchObject({ __typename: 'Customer', customerRef: 'user-7' });
});

test('neither name, or two different values, is a ValidationError on customerRef and creates nothing', async () => {
  const { client } = await t.createMerchant();
  for (const input of [{ jurisdiction: 'KR' }, { customerRef: 'a', externalRef: 'b', jurisdiction: 'KR' }]) {
    const { createCustomer } = await client.data<{ createCustomer: Created }>(CREATE, { input });
    expect(createCustomer).toMatchObject({ __typename: 'ValidationError', field: 'customerRef' });
  }
  const { customers } = await client.data<{ customers: { edges: unknown[] } }>(
    '{ customers { edges { node { id } } } }',
  );
  expect(customers.edges).toEqual([]);
});

test('the schema marks the old names deprecated', async () => {
  const sdl = (await import('graphql')).printSchema(t.gateway.schema);
  expect(sdl).toMatch(/externalRef: String @deprecated\(reason: "Use customerRef/);
  expect(sdl).toMatch(
    /input CreateCustomerInput \{[^}]*customerRef: String[^}]*externalRef: String @deprecated/s,
  );
});

test('the same customerRef created at once from many requests: one Customer, every other a ValidationError, never a 5xx', async () => {
  const { client } = await t.createMerchant();
  const answers = await Promise.all(
    Array.from({ length: 8 }, () =>
      client.request<{ createCustomer: Created }>(CREATE, {
        input: { customerRef: 'racing-user', jurisdiction: 'KR' },
      }),
    ),
  );
  expect(answers.map((a) => [a.status, a.errors ?? null])).toEqual(answers.map(() => [200, null]));
  const kinds = answers.map((a) => a.data?.createCustomer.__typename).sort();
  expect(kinds).toEqual(['Customer', ...Array(7).fill('ValidationError')]);
  expect(
    answers.find((a) => a.data?.createCustomer.__typename === 'ValidationError')?.data?.createCustomer,
  ).toMatchObject({ field: 'customerRef' });
  const { customers } = await client.data<{ customers: { edges: unknown[] } }>(
    '{ customers { edges { node { id } } } }',
  );
  expect(customers.edges).toHaveLength(1);
});
