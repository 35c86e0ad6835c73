import { afterAll, afterEach, beforeAll, expect, test } from 'vitest';
import type { TestGateway } from '../../../core/testing/create-test-gateway.ts';
import { eventsPlugin } from '../../../plugins/events/index.ts';
import { walletPlugin } from '../../../plugins/wallet/index.ts';
import { createFakeAcquirer } from '../payments/fake-acquirer.ts';
import { bootPayments, CREATE_PAYMENT, fundedWallet, mutate } from '../payments/support.ts';
import { WebhookReceiver } from './fixtures/webhook-receiver.ts';
import { createPartner, deliveriesWhen, testOptions } from './support.ts';

let t: TestGateway;
const receivers: WebhookReceiver[] = [];
beforeAll(async () => {
  t = await bootPayments([
    createFakeAcquirer().plugin,
    walletPlugin,
    eventsPlugin.with(testOptions({ webhooks: { retryForMs: 60_000 } }) as never),
  ]);
});
afterEach(async () => {
  for (const receiver of receivers.splice(0)) await receiver.close();
});
afterAll(() => t?.close());

async function receiver(): Promise<WebhookReceiver> {
  const r = new WebhookReceiver();
  await r.start();
  receivers.push(r);
  return r;
}

interface Saved {
  endpoint?: { id: string; eventTypes: string[]; payloadQuery: string | null };
  secret?: string;
  code?: string;
  message?: string;
  problems?: string[];
}

const ERRORS = '... on Error { code message } ... on WebhookPayloadQueryError { problems }';

async function create(
  token: string,
  input: { url: string; eventTypes: string[]; payloadQuery?: string | null },
): Promise<Saved> {
  const { createWebhookEndpoint } = await t.http(token).data<{ createWebhookEndpoint: Saved }>(
    `mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) {
      ... on WebhookEndpointWithSecret { secret endpoint { id eventTypes payloadQuery } } ${ERRORS}
    } }`,
    { input },
  );
  return createWebhookEndpoint;
}

async function update(
  token: string,
  id: string,
  input: { eventTypes?: string[]; payloadQuery?: string | null },
): Promise<Saved & { id?: string; eventTypes?: string[]; payloadQuery?: string | null }> {
  const { updateWebhookEndpoint } = await t.http(token).data<{ updateWebhookEndpoint: Saved }>(
    `mutation($id: ID!, $input: UpdateWebhookEndpointInput!) { updateWebhookEndpoint(id: $id, input: $input) {
      ... on WebhookEndpoint { id eventTypes payloadQuery } ${ERRORS}
    } }`,
    { id, input },
  );
  return updateWebhookEndpoint;
}

async function endpointCount(token: string): Promise<number> {
  const { webhookEndpoints } = await t
    .http(token)
    .data<{ webhookEndpoints: unknown[] }>('{ webhookEndpoints { id } }');
  return webhookEndpoints.length;
}

const CAPTURED_PAYMENTS = `subscription {
  paymentEvents(types: ["payment.captured"]) {
    id type
    payment { id status amount { amount currency } metadata { key value } }
  }
}`;

async function pay(client: TestGateway['operator'], holder: { customerId: string; walletId: string }) {
  return mutate(client, CREATE_PAYMENT, {
    input: {
      customerId: holder.customerId,
      method: 'wallet',
      sourceId: holder.walletId,
      amount: { amount: '300', currency: 'KRW' },
      metadata: [{ key: 'order', value: 'A-1' }],
    },
  });
}

test('a payload query shapes the deliveries: exactly the fields selected, signed; an endpoint without one keeps the default body', async () => {
  const { merchantId, key, client } = await t.createMerchant('Shaped shop');
  const shaped = await receiver();
  const plain = await receiver();
  const withQuery = await create(key, {
    url: shaped.url,
    eventTypes: ['payment.captured'],
    payloadQuery: `  ${CAPTURED_PAYMENTS}\n`,
  });
  expect(withQuery.endpoint?.payloadQuery).toBe(CAPTURED_PAYMENTS);
  const without = await create(key, { url: plain.url, eventTypes: ['payment.captured'] });
  expect(without.endpoint?.payloadQuery).toBeNull();
  shaped.secrets = [withQuery.secret!];
  plain.secrets = [without.secret!];

  const holder = await fundedWallet(client, 1000n); // a card top-up: payment.captured (top_up)
  const payment = await pay(client, holder);
  await shaped.waitFor(() => shaped.requests.length === 2);
  await plain.waitFor(() => plain.requests.length === 2);

  const last = shaped.requests.find((r) => r.rawBody.includes(payment.id))!;
  expect(shaped.verify(last, withQuery.secret!)).toBe(true);
  const eventId = last.headers['gateway-event-id'];
  expect(last.body).toEqual({
    data: {
      paymentEvents: {
        id: eventId,
        type: 'payment.captured',
        payment: {
          id: payment.id,
          status: 'captured',
          amount: { amount: '300', currency: 'KRW' },
          metadata: [{ key: 'order', value: 'A-1' }],
        },
      },
    },
  });
  // The default body, unchanged: the same event, with its stored payload.
  const same = plain.requests.find((r) => r.headers['gateway-event-id'] === eventId)!;
  expect(Object.keys(same.body)).toEqual(['id', 'type', 'cursor', 'merchantId', 'createdAt', 'data']);
  expect(same.body).toMatchObject({
    id: eventId,
    merchantId,
    data: { paymentId: payment.id, amount: '300' },
  });
});

test('a payload query is checked when the endpoint is saved, for its owner; a refused one saves nothing', async () => {
  const { merchantId, key } = await t.createMerchant('Checked shop');
  const partner = await createPartner(t, [merchantId]);
  const url = 'http://127.0.0.1:9/hooks';
  const refused = async (token: string, eventTypes: string[], payloadQuery: string) => {
    const result = await create(token, { url, eventTypes, payloadQuery });
    expect(result.endpoint).toBeUndefined();
    return result;
  };

  const syntax = await refused(key, ['payment.*'], 'subscription { paymentEvents { id ');
  expect(syntax.code).toBe('PAYLOAD_QUERY_SYNTAX');
  expect(syntax.problems![0]).toMatch(/^1:\d+ Syntax Error/);

  const unknown = await refused(key, ['payment.*'], 'subscription { paymentEvents { id nope } }');
  expect(unknown).toMatchObject({ code: 'PAYLOAD_QUERY_INVALID' });
  expect(unknown.problems![0]).toMatch(/^1:\d+ Cannot query field "nope" on type "Event"/);

  for (const document of [
    '{ viewer { kind } }',
    'subscription($t: [String!]) { paymentEvents(types: $t) { id } }',
    'subscription { paymentEvents(after: "0") { id } }',
    'subscription { heartbeat { at } }',
  ]) {
    expect((await refused(key, ['payment.*'], document)).code, document).toBe('PAYLOAD_QUERY_INVALID');
  }

  // Each alias reads again per delivery: as many as a request may have.
  const aliases = (n: number) =>
    `subscription { paymentEvents { ${Array.from({ length: n }, (_, i) => `p${i}: payment { id }`).join(' ')} } }`;
  expect((await refused(key, ['payment.*'], aliases(16))).problems).toEqual([
    expect.stringMatching(/aliases/i),
  ]);
  expect(
    (await create(key, { url, eventTypes: ['payment.*'], payloadQuery: aliases(15) })).endpoint,
  ).toBeDefined();

  // A partner may not read payouts: the same document a merchant may save is refused for it.
  const payouts =
    'subscription { paymentEvents(types: ["payout.*"]) { id payout { id amount { amount } } } }';
  const forbidden = await refused(partner.key, ['payout.*'], payouts);
  expect(forbidden.code).toBe('PAYLOAD_QUERY_FORBIDDEN_FIELD');
  expect(forbidden.problems).toContainEqual(
    expect.stringMatching(/^1:\d+ Event\.payout: the endpoint's owner \(a partner\) may not read it$/),
  );
  expect(
    (await create(key, { url, eventTypes: ['payout.*'], payloadQuery: payouts })).endpoint,
  ).toBeDefined();

  // Event types the document's subscription cannot carry.
  const outside = await refused(key, ['payment.*', 'order.placed'], 'subscription { paymentEvents { id } }');
  expect(outside).toMatchObject({ code: 'PAYLOAD_QUERY_OUT_OF_SCOPE' });
  expect(outside.problems).toEqual([
    `the endpoint receives "order.placed" but the document's paymentEvents carries only payment.*, refund.*, payout.*`,
  ]);
  const narrower = await refused(key, ['payment.*'], CAPTURED_PAYMENTS);
  expect(narrower.code).toBe('PAYLOAD_QUERY_OUT_OF_SCOPE');
  expect(await endpointCount(partner.key)).toBe(0);
  expect(await endpointCount(key)).toBe(2);

  // Updates are checked the same way, and a refused update leaves the endpoint as it was.
  const saved = await create(key, { url, eventTypes: ['payment.captured'], payloadQuery: CAPTURED_PAYMENTS });
  const id = saved.endpoint!.id;
  expect(await update(key, id, { payloadQuery: 'subscription { paymentEvents { nope } }' })).toMatchObject({
    code: 'PAYLOAD_QUERY_INVALID',
  });
  expect(await update(key, id, { eventTypes: ['payment.*'] })).toMatchObject({
    code: 'PAYLOAD_QUERY_OUT_OF_SCOPE',
  });
  const { webhookEndpoint } = await t
    .http(key)
    .data<{ webhookEndpoint: Saved['endpoint'] }>(
      'query($id: ID!) { webhookEndpoint(id: $id) { ... on WebhookEndpoint { id eventTypes payloadQuery } } }',
      { id },
    );
  expect(webhookEndpoint).toEqual({ id, eventTypes: ['payment.captured'], payloadQuery: CAPTURED_PAYMENTS });
  expect(await update(key, id, { eventTypes: ['payment.*'], payloadQuery: null })).toMatchObject({
    eventTypes: ['payment.*'],
    payloadQuery: null,
  });
});

test('a partner’s deliveries follow its grants as they are at delivery: once revoked, the pending one is given up without a request', async () => {
  const { merchantId, client } = await t.createMerchant('Granting shop');
  const partner = await createPartner(t, [merchantId]);
  const hooks = await receiver();
  const saved = await create(partner.key, {
    url: hooks.url,
    eventTypes: ['payment.captured'],
    payloadQuery:
      'subscription { paymentEvents(types: ["payment.captured"]) { id payment { id merchantId } } }',
  });
  hooks.secrets = [saved.secret!];
  const holder = await fundedWallet(client, 1000n);
  await hooks.waitFor(() => hooks.requests.length === 1);
  expect(hooks.requests[0]!.body).toEqual({
    data: {
      paymentEvents: {
        id: hooks.requests[0]!.headers['gateway-event-id'],
        payment: { id: expect.any(String), merchantId },
      },
    },
  });

  // The receiver is down when the next payment's delivery is first tried; the grant goes meanwhile.
  await hooks.goDown();
  const payment = await pay(client, holder);
  const endpointId = saved.endpoint!.id;
  await deliveriesWhen(t, partner.key, endpointId, (views) =>
    views.some((v) => v.state === 'pending' && v.attemptCount > 0),
  );
  // No GraphQL mutation revokes a grant yet: the row goes, as a revocation would remove it.
  await t.gateway.database.em
    .fork()
    .getConnection()
    .execute('delete from partner_grant where partner_id = ? and merchant_id = ?', [
      partner.partnerId,
      merchantId,
    ]);
  await hooks.start();
  const views = await deliveriesWhen(t, partner.key, endpointId, (v) => v.some((d) => d.state === 'failed'));
  const givenUp = views.find((v) => v.state === 'failed')!;
  expect(givenUp.attempts.at(-1)).toMatchObject({
    statusCode: null,
    succeeded: false,
    error: `the endpoint's owner may no longer read merchant ${merchantId}'s events`,
  });
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(hooks.requests).toHaveLength(1);
  expect(JSON.stringify(hooks.requests)).not.toContain(payment.id);
});
