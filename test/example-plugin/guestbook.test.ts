import { afterAll, beforeAll, expect, test } from 'vitest';
import { definePlugin } from '../../core/plugin-api.ts';
import { createTestGateway, type TestGateway } from '../../core/testing/create-test-gateway.ts';
import { guestbookPlugin } from './guestbook/index.ts';

// The plugin docs/plugin-authoring.md builds, booted the way its testing section says.

/** A plugin that handles the guestbook's own hook: it refuses messages written in capitals. */
const noShoutingPlugin = definePlugin({
  name: 'no-shouting',
  version: '1.0.0',
  requires: ['guestbook'],
  setup: () => ({
    hooks: {
      'guestbook.beforeSign': ({ message }) =>
        /[a-z]/.test(message) || !/[A-Z]/.test(message)
          ? { refuse: false }
          : { refuse: true, reason: 'no shouting' },
    },
  }),
});

let t: TestGateway;
beforeAll(async () => {
  t = await createTestGateway({
    plugins: [guestbookPlugin.with({ maxMessageLength: 20 }), noShoutingPlugin],
  });
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
    ... on MessageRefused { code reasons }
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

test('a plugin that handles guestbook.beforeSign refuses a message; nothing is written', async () => {
  const shop = await t.createMerchant('Quiet shop');
  const dee = await customerOf(shop, 'dee');
  const refused = await dee.data<{ signGuestbook: unknown }>(SIGN, { message: 'BUY NOW' });
  expect(refused.signGuestbook).toEqual({
    __typename: 'MessageRefused',
    code: 'MESSAGE_REFUSED',
    reasons: ['no shouting'],
  });
  const read = await shop.client.data<{ guestbook: { edges: unknown[] } }>(
    '{ guestbook { edges { node { id } } } }',
  );
  expect(read.guestbook.edges).toEqual([]);
});

test('a subject’s entries are exported, then erased; another customer’s stay', async () => {
  const shop = await t.createMerchant('Private shop');
  const eve = await customerOf(shop, 'eve');
  const fay = await customerOf(shop, 'fay');
  await eve.data(SIGN, { message: 'first' });
  await eve.data(SIGN, { message: 'second' });
  await fay.data(SIGN, { message: 'from fay' });
  const { privacy } = t.gateway.services;
  const subject = { merchantId: shop.merchantId, customerRef: 'eve' };

  const exportOf = async () => {
    const sections = await privacy.exportSubject(t.gateway.database.em.fork(), subject);
    const out: Record<string, unknown[]> = {};
    for (const { name, records } of sections) {
      out[name] = [];
      for await (const record of records) out[name].push(record);
    }
    return out;
  };
  const exported = await exportOf();
  // The kernel's own sections come first: who the subject is, and its customer sessions.
  expect(Object.keys(exported)).toEqual(['privacy.subject', 'auth.customer-sessions', 'guestbook.entries']);
  const messages = exported['guestbook.entries']?.map((r) => (r as { message: string }).message);
  expect(messages?.sort()).toEqual(['first', 'second']);

  const erasure = await privacy.eraseSubject(t.gateway.database.em.fork(), subject);
  expect(erasure.find((e) => e.plugin === 'guestbook')).toEqual({
    plugin: 'guestbook',
    erased: ['GuestbookEntry'],
    kept: [],
  });
  expect((await exportOf())['guestbook.entries']).toEqual([]);
  const left = await shop.client.data<{ guestbook: { edges: { node: { author: string } }[] } }>(
    '{ guestbook { edges { node { author } } } }',
  );
  expect(left.guestbook.edges.map((e) => e.node.author)).toEqual(['fay']);
});

test('the plugin’s CLI command counts entries per merchant', async () => {
  const command = t.gateway.commands.get('guestbook count');
  expect(command?.summary).toBe('count guestbook entries per merchant');
  const lines: string[] = [];
  const code = await command!.run({
    em: t.gateway.database.em.fork(),
    out: (line) => lines.push(line),
    flags: {},
  });
  expect(code).toBe(0);
  expect(lines.at(-1)).toMatch(/^\d+ merchant\(s\)$/);
});
