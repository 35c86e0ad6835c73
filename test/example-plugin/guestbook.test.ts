import { afterAll, beforeAll, expect, test } from 'vitest';
import { createTestGateway, type TestGateway } from '../../core/testing/create-test-gateway.ts';
import { guestbookPlugin } from './guestbook/index.ts';

// The plugin docs/plugin-authoring.md builds step by step, booted the way its step 5 says.
let t: TestGateway;
beforeAll(async () => {
  t = await createTestGateway({ plugins: [guestbookPlugin.with({ maxMessageLength: 20 })] });
});
afterAll(() => t?.close());

async function customerOf(merchant: { client: TestGateway['anonymous'] }, customerRef: string) {
  const { createCustomerSession } = await merchant.client.data<{ createCustomerSession: { token: string } }>(
    'mutation($ref: String!) { createCustomerSession(customerRef: $ref) { ... on CreatedCustomerSession { token } } }',
    { ref: customerRef },
  );
  return t.http(createCustomerSession.token);
}

const SIGN = `mutation($message: String!) {
  signGuestbook(message: $message) {
    __typename
    ... on GuestbookEntry { author message }
    ... on MessageTooLong { code maxLength }
  }
}`;

test('an end user signs their merchant’s guestbook; the merchant reads it', async () => {
  const shop = await t.createMerchant('Guest shop');
  const ana = await customerOf(shop, 'ana');
  const signed = await ana.data<{ signGuestbook: unknown }>(SIGN, { message: 'Lovely tea' });
  expect(signed.signGuestbook).toEqual({
    __typename: 'GuestbookEntry',
    author: 'ana',
    message: 'Lovely tea',
  });
  const read = await shop.client.data<{ guestbook: { edges: { node: { message: string } }[] } }>(
    '{ guestbook { edges { node { message } } } }',
  );
  expect(read.guestbook.edges.map((e) => e.node.message)).toEqual(['Lovely tea']);
});

test('the option from yoga.config.ts bounds messages, as a typed error that writes nothing', async () => {
  const shop = await t.createMerchant('Strict shop');
  const bo = await customerOf(shop, 'bo');
  const refused = await bo.data<{ signGuestbook: unknown }>(SIGN, { message: 'x'.repeat(21) });
  expect(refused.signGuestbook).toEqual({
    __typename: 'MessageTooLong',
    code: 'VALIDATION_FAILED',
    maxLength: 20,
  });
  const read = await shop.client.data<{ guestbook: { edges: unknown[] } }>(
    '{ guestbook { edges { node { id } } } }',
  );
  expect(read.guestbook.edges).toEqual([]);
});

test('merchants only ever see their own guestbook; anonymous callers none', async () => {
  const a = await t.createMerchant('A');
  const b = await t.createMerchant('B');
  await (await customerOf(a, 'cy')).data(SIGN, { message: 'for A only' });
  const seenByB = await b.client.data<{ guestbook: { edges: unknown[] } }>(
    '{ guestbook { edges { node { id } } } }',
  );
  expect(seenByB.guestbook.edges).toEqual([]);
  const anonymous = await t.anonymous.request('{ guestbook { edges { node { id } } } }');
  expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
});
