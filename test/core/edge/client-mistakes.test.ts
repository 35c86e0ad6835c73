import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { TestGateway } from '../../../core/testing/create-test-gateway.ts';
import { bootFullGateway, postRaw, type RawAnswer } from './support.ts';

/**
 * Issue 17, hole 6: each kind of client mistake the fuzzer turned into a 500 or an
 * INTERNAL_SERVER_ERROR, sent over real HTTP. A client's mistake is never a 5xx: it is refused
 * at the edge with BAD_USER_INPUT naming the input, or with a typed error naming the field.
 */
let t: TestGateway;
let merchant: { merchantId: string; key: string };
let customerId: string;
let walletId: string;

beforeAll(async () => {
  t = await bootFullGateway();
  merchant = await t.createMerchant();
  const client = t.http(merchant.key);
  const created = await client.data<{ createCustomer: { id: string } }>(
    'mutation { createCustomer(input: { externalRef: "alice", jurisdiction: "DE" }) { ... on Customer { id } } }',
  );
  customerId = created.createCustomer.id;
  const wallet = await client.data<{ createWallet: { id: string } }>(
    'mutation($c: ID!) { createWallet(input: { customerId: $c, currency: "USD" }) { ... on Wallet { id } } }',
    { c: customerId },
  );
  walletId = wallet.createWallet.id;
});
afterAll(() => t?.close());

function expectRefused(answer: RawAnswer, field?: string): void {
  expect(answer.status, answer.text).toBeLessThan(500);
  expect(answer.text).not.toContain('INTERNAL_SERVER_ERROR');
  expect(answer.text).not.toMatch(/Unexpected error|at \S+ \(|node_modules|\.ts:\d+/);
  const error = answer.body.errors?.[0];
  expect(error?.extensions?.code, answer.text).toBe('BAD_USER_INPUT');
  if (field) expect(error?.extensions?.field, answer.text).toBe(field);
}

const operator = () => t.operatorKey;

describe('ids that are not UUIDs are refused before they reach the database', () => {
  test.each([
    ['webhookEndpoint(id:) literal', () => merchant.key, '{ webhookEndpoint(id: "x") { __typename } }', 'id'],
    ['merchant(id:) literal', operator, '{ merchant(id: "x") { __typename } }', 'id'],
    [
      'grantPartnerAccess literal',
      operator,
      'mutation { grantPartnerAccess(merchantId: "x", partnerId: "y") { __typename } }',
      'merchantId',
    ],
    ['events(merchantIds:) literal', operator, '{ events(merchantIds: ["x"]) { hasMore } }', 'merchantIds'],
    [
      'an id inside an input object',
      () => merchant.key,
      'mutation { createWallet(input: { customerId: "x", currency: "USD" }) { __typename } }',
      'input.customerId',
    ],
  ])('%s', async (_name, token, query, field) => {
    expectRefused(await postRaw(t, token(), query), field);
  });

  test('revokeApiKey(id:) with a key in a variable', async () => {
    const answer = await postRaw(
      t,
      operator(),
      'mutation($id: ID!) { revokeApiKey(id: $id) { __typename } }',
      {
        id: merchant.key,
      },
    );
    expectRefused(answer, 'id');
  });

  test('a nested variable names its path', async () => {
    const answer = await postRaw(
      t,
      merchant.key,
      'mutation($input: CreateWalletInput!) { createWallet(input: $input) { __typename } }',
      { input: { customerId: 'nope', currency: 'USD' } },
    );
    expectRefused(answer, 'input.customerId');
  });

  test('a numeric id is refused too (ID accepts ints in GraphQL)', async () => {
    expectRefused(await postRaw(t, operator(), '{ merchant(id: 42) { __typename } }'), 'id');
  });

  test('a well-formed unknown id is still NotFound, not an input error', async () => {
    const answer = await postRaw(
      t,
      operator(),
      '{ merchant(id: "00000000-0000-4000-8000-000000000000") { __typename } }',
    );
    expect(answer.body).toEqual({ data: { merchant: { __typename: 'NotFoundError' } } });
  });
});

describe('pagination arguments', () => {
  test.each([
    [
      'payments(after: "garbage")',
      () => merchant.key,
      '{ payments(after: "garbage") { edges { cursor } } }',
      'after',
    ],
    ['payments(first: -1)', () => merchant.key, '{ payments(first: -1) { edges { cursor } } }', 'first'],
    ['apiKeys(after: "garbage")', operator, '{ apiKeys(after: "garbage") { edges { cursor } } }', 'after'],
    ['merchants(first: -1)', operator, '{ merchants(first: -1) { edges { cursor } } }', 'first'],
    [
      'merchants(last:) without before or first',
      operator,
      '{ merchants(last: 2) { edges { cursor } } }',
      'last',
    ],
  ])('%s', async (_name, token, query, field) => {
    expectRefused(await postRaw(t, token(), query), field);
  });
});

describe('amounts outside the int64 range of the ledger', () => {
  const typed = (answer: RawAnswer, key: string) => {
    expect(answer.status, answer.text).toBeLessThan(500);
    expect(answer.text).not.toContain('INTERNAL_SERVER_ERROR');
    return (answer.body.data as Record<string, { __typename: string; field?: string }>)[key];
  };

  test.each(['9223372036854775808', '99999999999999999999999', '-9223372036854775809'])(
    'createPayment with %s is a ValidationError on amount',
    async (amount) => {
      const answer = await postRaw(
        t,
        merchant.key,
        `mutation($input: CreatePaymentInput!) {
          createPayment(input: $input) { __typename ... on ValidationError { field } }
        }`,
        { input: { customerId, method: 'wallet', sourceId: walletId, amount: { amount, currency: 'USD' } } },
      );
      expect(typed(answer, 'createPayment')).toEqual({ __typename: 'ValidationError', field: 'amount' });
    },
  );

  test('topUpWallet with 2^63 is a ValidationError on amount', async () => {
    const answer = await postRaw(
      t,
      merchant.key,
      `mutation($input: TopUpWalletInput!) { topUpWallet(input: $input) { __typename ... on ValidationError { field } } }`,
      {
        input: {
          walletId,
          method: 'sandbox-card',
          sourceId: 'x',
          amount: { amount: '9223372036854775808', currency: 'USD' },
        },
      },
    );
    expect(typed(answer, 'topUpWallet')).toEqual({ __typename: 'ValidationError', field: 'amount' });
  });

  test('a usage meter whose unit price overflows is a ValidationError on unitPrice', async () => {
    const answer = await postRaw(
      t,
      merchant.key,
      `mutation($input: CreateUsageMeterInput!) { createUsageMeter(input: $input) { __typename ... on ValidationError { field } } }`,
      {
        input: {
          customerId,
          method: 'wallet',
          sourceId: walletId,
          currency: 'USD',
          unitPrice: '99999999999999999999',
        },
      },
    );
    expect(typed(answer, 'createUsageMeter')).toEqual({ __typename: 'ValidationError', field: 'unitPrice' });
  });
});

describe('malformed requests', () => {
  test('GET with variables that are not JSON is a 400', async () => {
    const response = await fetch(
      `${t.url}?query=${encodeURIComponent('{ viewer { kind } }')}&variables=%7B`,
      {
        headers: { accept: 'application/graphql-response+json' },
      },
    );
    const text = await response.text();
    expect(response.status, text).toBe(400);
    expect(JSON.parse(text).errors[0].extensions).toMatchObject({ code: 'BAD_REQUEST', field: 'variables' });
  });

  test('GET with extensions that are not JSON is a 400', async () => {
    const response = await fetch(
      `${t.url}?query=${encodeURIComponent('{ viewer { kind } }')}&extensions=%7B`,
    );
    expect(response.status).toBe(400);
  });

  test.each([
    ['a selection nested 2,000 deep', `{ viewer { ${'a { '.repeat(2000)}b${' }'.repeat(2000)} } }`],
    ['a selection nested 20,000 deep', `{${'viewer{'.repeat(20_000)}kind${'}'.repeat(20_000)}}`],
    [
      'a list nested 5,000 deep in an argument',
      `{ events(types: ${'['.repeat(5000)}"x"${']'.repeat(5000)}) { hasMore } }`,
    ],
    ['nesting that is never closed', `{ viewer ${'{ a '.repeat(5000)}`],
  ])('%s is refused with a 400, not a stack overflow', async (_name, query) => {
    const answer = await postRaw(t, undefined, query);
    expect(answer.status, answer.text).toBe(400);
    expect(answer.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(answer.text).not.toMatch(/Maximum call stack|RangeError/);
  });

  test('a legitimately nested query still parses', async () => {
    const answer = await postRaw(
      t,
      merchant.key,
      '{ payments(first: 1) { edges { node { amount { amount } } } } }',
    );
    expect(answer.body.errors).toBeUndefined();
  });
});

test('after all that, nothing was logged as unexpected and the server still answers', async () => {
  expect(t.logs.filter((line) => line.includes('"unexpected error"'))).toEqual([]);
  expect(await t.anonymous.data('{ viewer { kind } }')).toEqual({ viewer: { kind: 'anonymous' } });
});
