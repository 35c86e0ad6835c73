import { readFileSync } from 'node:fs';
import { type FieldNode, type OperationDefinitionNode, parse, print } from 'graphql';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestGateway, type TestGateway } from '../../../core/testing/create-test-gateway.ts';
import type { HttpGraphQLClient } from '../../../core/testing/graphql-clients.ts';
import { eventsPlugin } from '../../../plugins/events/index.ts';
import { signatureHeader } from '../../../plugins/events/webhook-signature.ts';
import { paymentsPlugin } from '../../../plugins/payments/index.ts';
import { sandboxCardPlugin } from '../../../plugins/sandbox-card/index.ts';
import { walletPlugin } from '../../../plugins/wallet/index.ts';

type Verify = (rawBody: string, header: string, secret: string) => boolean;

test('the partner guide’s verification snippet accepts our signatures and refuses forgeries', async () => {
  const guide = readFileSync(new URL('../../../docs/partner-guide.md', import.meta.url), 'utf8');
  const snippet = /### Verify the signature \(Node\)[\s\S]*?```js\n([\s\S]*?)```/.exec(guide)?.[1];
  expect(snippet).toBeDefined();
  const { verify } = (await import(
    `data:text/javascript,${encodeURIComponent(`${snippet}\nexport { verify };`)}`
  )) as { verify: Verify };
  const body = '{"id":"e1","type":"payment.captured","data":{"amount":"1050"}}';
  const t = Math.floor(Date.now() / 1000);
  const header = signatureHeader(['whsec_new', 'whsec_old'], t, body);
  expect(verify(body, header, 'whsec_new')).toBe(true);
  expect(verify(body, header, 'whsec_old')).toBe(true);
  expect(verify(body.replace('1050', '9050'), header, 'whsec_new')).toBe(false);
  expect(verify(body, header, 'whsec_other')).toBe(false);
  expect(verify(body, header.replace(/t=\d+/, `t=${t - 301}`), 'whsec_new')).toBe(false);
  expect(verify(body, 't=1,v1=not-hex', 'whsec_new')).toBe(false);
});

// Every other example of the guide, run against a gateway with the plugins of yoga.config.ts, as
// a partner that a merchant granted access, after one card payment.

const guide = readFileSync(new URL('../../../docs/partner-guide.md', import.meta.url), 'utf8');
const graphqlBlocks = [...guide.matchAll(/```graphql\n([\s\S]*?)```/g)].map(([, block]) => block!);
const blockWith = (text: string) => {
  const block = graphqlBlocks.find((b) => b.includes(text));
  expect(block, text).toBeDefined();
  return block!;
};

describe('the guide’s examples against a real gateway', () => {
  let t: TestGateway;
  let partner: HttpGraphQLClient;
  let partnerKey: string;
  beforeAll(async () => {
    t = await createTestGateway({
      plugins: [eventsPlugin, paymentsPlugin, walletPlugin, sandboxCardPlugin],
    });
    const shop = await t.createMerchant('Guide shop');
    const { createPartner } = await t.operator.data<{ createPartner: { id: string } }>(
      'mutation { createPartner(name: "Guide partner") { ... on Partner { id } } }',
    );
    const { createApiKey } = await t.operator.data<{ createApiKey: { secret: string } }>(
      'mutation($p: ID!) { createApiKey(input: { kind: partner, label: "guide", partnerId: $p }) { ... on CreatedApiKey { secret } } }',
      { p: createPartner.id },
    );
    partnerKey = createApiKey.secret;
    partner = t.http(partnerKey);
    await shop.client.data('mutation($p: ID!) { grantPartnerAccess(partnerId: $p) { __typename } }', {
      p: createPartner.id,
    });
    const { createCustomer } = await shop.client.data<{ createCustomer: { id: string } }>(
      'mutation { createCustomer(input: { customerRef: "guide-1", jurisdiction: "KR" }) { ... on Customer { id } } }',
    );
    const { tokenizeSandboxCard } = await shop.client.data<{ tokenizeSandboxCard: { id: string } }>(
      'mutation { tokenizeSandboxCard(input: { number: "4242424242424242", expMonth: 12, expYear: 2040, cvc: "123" }) { ... on SandboxCardToken { id } } }',
    );
    const { createPayment } = await shop.client.data<{ createPayment: { status: string } }>(
      `mutation($i: CreatePaymentInput!) { createPayment(input: $i) { ... on Payment { status } ... on Error { code message } } }`,
      {
        i: {
          customerId: createCustomer.id,
          method: 'sandbox-card',
          sourceId: tokenizeSandboxCard.id,
          amount: { amount: '1050', currency: 'KRW' },
          metadata: [{ key: 'order', value: 'A-1' }],
        },
      },
    );
    expect(createPayment.status).toBe('captured');
    await t.gateway.services.events.sync();
  });
  afterAll(() => t?.close());

  test('the example event fits the declared payload of its type', () => {
    const example = JSON.parse(/## An event\n\n```json\n([\s\S]*?)```/.exec(guide)![1]!);
    const declared = t.gateway.services.events.eventTypes().find((d) => d.type === example.type);
    expect(declared, example.type).toBeDefined();
    expect(declared!.payload.safeParse(example.payload).error).toBeUndefined();
  });

  test('the graphql-ws example, started from "0", receives the payment’s events', async () => {
    const code = /## Subscribe \(graphql-ws\)\n\n```js\n([\s\S]*?)```/.exec(guide)![1]!;
    const body = code
      .replace(/^import .*\n/m, '')
      .replace("'wss://gateway.example.com/graphql'", JSON.stringify(t.url.replace(/^http/, 'ws')));
    const received: { type: string; cursor: string }[] = [];
    const stop = new Error('stop');
    const run = new Function(
      'createClient',
      'process',
      'loadCursor',
      'handleOnce',
      'saveCursor',
      `return (async () => {\n${body}\n})();`,
    ) as (...args: unknown[]) => Promise<void>;
    await expect(
      run(
        createClient,
        { env: { PARTNER_KEY: partnerKey } },
        async () => '0',
        async (event: { type: string; cursor: string }) => {
          received.push(event);
          if (event.type === 'payment.captured') throw stop;
        },
        async () => {},
      ),
    ).rejects.toBe(stop);
    expect(received.map((e) => e.type)).toContain('payment.captured');
  });

  test('the SSE example (curl) starts from the beginning on a new gateway', async () => {
    const curl = /### Server-Sent Events[\s\S]*?```sh\n([\s\S]*?)```/.exec(guide)![1]!;
    const { query } = JSON.parse(/-d '(.*)'/.exec(curl)![1]!) as { query: string };
    const controller = new AbortController();
    for await (const result of partner.sse<{ paymentEvents: { type: string } }>(
      query,
      {},
      controller.signal,
    )) {
      expect(result.errors).toBeUndefined();
      expect(result.data?.paymentEvents.type).toMatch(/^payment\./);
      break;
    }
    controller.abort();
  });

  test('the payload query example is saved for a partner, and the body shown is the shape it selects', async () => {
    const { createWebhookEndpoint } = await partner.data<{
      createWebhookEndpoint: { endpoint?: { payloadQuery: string }; code?: string; problems?: string[] };
    }>(blockWith('mutation ShapedEndpoint'));
    expect(createWebhookEndpoint.problems).toBeUndefined();
    expect(createWebhookEndpoint.endpoint?.payloadQuery).toMatch(/^subscription \{\s+paymentEvents\(/);
    const body = JSON.parse(/arrives as[\s\S]*?```json\n([\s\S]*?)```/.exec(guide)![1]!);
    const shape = (value: unknown): unknown =>
      Array.isArray(value)
        ? value.map(shape)
        : value && typeof value === 'object'
          ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shape(v)]))
          : typeof value;
    // The same selection, run now as a query by the partner over the guide's captured payment.
    const operation = parse(createWebhookEndpoint.endpoint!.payloadQuery)
      .definitions[0] as OperationDefinitionNode;
    const selection = print((operation.selectionSet.selections[0] as FieldNode).selectionSet!);
    const { events } = await partner.data<{ events: { events: unknown[] } }>(
      `{ events(types: ["payment.captured"]) { events ${selection} } }`,
    );
    expect(shape(body.data.paymentEvents)).toEqual(shape(events.events[0]));
    expect(shape(body)).toMatchObject({
      data: { paymentEvents: { payment: { metadata: [{ key: 'string' }] } } },
    });
  });

  test('the history query, the endpoint, its deliveries, replay, rotation and pause all run', async () => {
    const history = await partner.request(blockWith('query History'), {});
    expect(history.errors).toBeUndefined();
    const created = await partner.data<{ createWebhookEndpoint: { endpoint: { id: string } } }>(
      blockWith('createWebhookEndpoint'),
    );
    const id = created.createWebhookEndpoint.endpoint.id;
    expect(id).toBeDefined();
    const deliveries = await partner.request<{ webhookEndpoint: { deliveries: { edges: unknown[] } } }>(
      blockWith('query Deliveries'),
      { id },
    );
    expect(deliveries.errors).toBeUndefined();
    expect(deliveries.data?.webhookEndpoint.deliveries.edges).toBeInstanceOf(Array);
    const maintenance = blockWith('mutation Replay');
    for (const [operationName, expected] of [
      ['Replay', 'WebhookReplay'],
      ['Rotate', 'WebhookEndpointWithSecret'],
      ['Pause', 'WebhookEndpoint'],
    ] as const) {
      const result = await partner.request<Record<string, { __typename?: string; code?: string }>>(
        maintenance.replace(/\{\n(\s+)\.\.\. on/g, '{\n$1__typename\n$1... on'),
        { id, after: '0' },
        { operationName },
      );
      expect(result.errors, operationName).toBeUndefined();
      expect(Object.values(result.data!)[0]!.__typename, operationName).toBe(expected);
    }
  });
});
