import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { SecretBox } from '../../../core/crypto/secret-box.ts';
import { createGateway, type Gateway } from '../../../core/gateway.ts';
import type { TestGateway } from '../../../core/testing/create-test-gateway.ts';
import { HttpGraphQLClient } from '../../../core/testing/graphql-clients.ts';
import { eventsPlugin } from '../../../plugins/events/index.ts';
import { paymentsPlugin } from '../../../plugins/payments/index.ts';
import { bootPayments } from '../payments/support.ts';
import { eventSource } from './fixtures/event-source.plugin.ts';
import { WebhookReceiver } from './fixtures/webhook-receiver.ts';
import { createPartner, deliveriesWhen, placeOrders, testOptions } from './support.ts';

/** The plugin's maximum retry window: ten minutes. */
const MAX_RETRY_FOR_MS = 600_000;
const SET = `mutation($input: SetWebhookDefaultsInput!) {
  setWebhookDefaults(input: $input) {
    __typename
    ... on WebhookDefaults { eventTypes retryForSeconds own { eventTypes retryForSeconds } }
    ... on ValidationError { field }
    ... on Error { code }
  }
}`;
const READ = `query($m: ID!) {
  merchantSettings(merchantId: $m) {
    __typename
    ... on MerchantSettings { webhookDefaults { eventTypes retryForSeconds own { eventTypes retryForSeconds } } }
  }
}`;
const CREATE = `mutation($input: CreateWebhookEndpointInput!) {
  createWebhookEndpoint(input: $input) {
    __typename
    ... on WebhookEndpointWithSecret { endpoint { id eventTypes } secret }
    ... on ValidationError { field }
  }
}`;

let t: TestGateway;
/** Shared with the second process, which delivers (and so unseals secrets of) the first's endpoints. */
const masterKey = SecretBox.generateMasterKey();
const receivers: WebhookReceiver[] = [];
beforeAll(async () => {
  t = await bootPayments(
    [eventsPlugin.with(testOptions({ webhooks: { retryForMs: MAX_RETRY_FOR_MS } }) as never), eventSource],
    {},
    { secrets: { masterKey } },
  );
});
afterEach(async () => {
  for (const receiver of receivers.splice(0)) await receiver.close();
});
afterAll(() => t?.close());

const set = async (input: Record<string, unknown>) =>
  (
    await t.operator.data<{ setWebhookDefaults: Record<string, unknown> }>(SET, {
      input: { reason: 'a test', ...input },
    })
  ).setWebhookDefaults;

const create = async (client: HttpGraphQLClient, input: Record<string, unknown>) =>
  (
    await client.data<{
      createWebhookEndpoint: {
        __typename: string;
        endpoint?: { id: string; eventTypes: string[] };
        secret?: string;
        field?: string;
      };
    }>(CREATE, { input })
  ).createWebhookEndpoint;

async function receiver(): Promise<WebhookReceiver> {
  const r = new WebhookReceiver();
  await r.start();
  receivers.push(r);
  return r;
}

describe('webhook defaults', () => {
  test('an endpoint created without eventTypes gets its merchant’s default; another merchant’s is refused', async () => {
    const shop = await t.createMerchant('Defaulted shop');
    const other = await t.createMerchant('Plain shop');
    const hooks = await receiver();
    // Without a default, event types must be named.
    expect(await create(shop.client, { url: hooks.url })).toMatchObject({
      __typename: 'ValidationError',
      field: 'eventTypes',
    });
    expect(
      await set({ merchantId: shop.merchantId, eventTypes: ['order.*', 'payment.captured', 'order.*'] }),
    ).toMatchObject({
      eventTypes: ['order.*', 'payment.captured'],
      retryForSeconds: MAX_RETRY_FOR_MS / 1000,
      own: { eventTypes: ['order.*', 'payment.captured'], retryForSeconds: null },
    });
    const defaulted = await create(shop.client, { url: hooks.url });
    hooks.secrets = [defaulted.secret!];
    expect(defaulted.endpoint?.eventTypes).toEqual(['order.*', 'payment.captured']);
    // Named types win over the default.
    expect(
      (await create(shop.client, { url: hooks.url, eventTypes: ['order.placed'] })).endpoint?.eventTypes,
    ).toEqual(['order.placed']);
    // An operator registering for the merchant gets the same default.
    expect(
      (await create(t.operator, { url: hooks.url, merchantId: shop.merchantId })).endpoint?.eventTypes,
    ).toEqual(['order.*', 'payment.captured']);
    // A partner's endpoint narrowed to the merchant gets it; one across all its merchants has none.
    const partner = t.http((await createPartner(t, [shop.merchantId, other.merchantId])).key);
    expect(
      (await create(partner, { url: hooks.url, merchantId: shop.merchantId })).endpoint?.eventTypes,
    ).toEqual(['order.*', 'payment.captured']);
    expect((await create(partner, { url: hooks.url })).field).toBe('eventTypes');
    expect(await create(other.client, { url: hooks.url })).toMatchObject({
      __typename: 'ValidationError',
      field: 'eventTypes',
    });
    // The default endpoint receives the merchant's events.
    await placeOrders(t, shop.key, shop.merchantId, { count: 1 });
    const delivered = await deliveriesWhen(t, shop.key, defaulted.endpoint!.id, (v) =>
      v.some((d) => d.state === 'delivered'),
    );
    expect(delivered.map((d) => d.state)).toEqual(['delivered']);
    // null gives the field back to the configuration.
    expect(await set({ merchantId: shop.merchantId, eventTypes: null })).toMatchObject({
      eventTypes: null,
      own: { eventTypes: null },
    });
    expect((await create(shop.client, { url: hooks.url })).field).toBe('eventTypes');
  });

  test('a shorter retry window gives up that merchant’s failing deliveries, not another’s', async () => {
    const brief = await t.createMerchant('Brief shop');
    const patient = await t.createMerchant('Patient shop');
    expect(await set({ merchantId: brief.merchantId, retryForSeconds: 1 })).toMatchObject({
      retryForSeconds: 1,
    });
    const hooks = await receiver();
    hooks.behave = () => 'error';
    const briefEndpoint = await create(brief.client, { url: hooks.url, eventTypes: ['order.*'] });
    const patientEndpoint = await create(patient.client, { url: hooks.url, eventTypes: ['order.*'] });
    await placeOrders(t, brief.key, brief.merchantId, { count: 1 });
    await placeOrders(t, patient.key, patient.merchantId, { count: 1 });
    const given = await deliveriesWhen(t, brief.key, briefEndpoint.endpoint!.id, (v) =>
      v.some((d) => d.state === 'failed'),
    );
    expect(given.map((d) => d.state)).toEqual(['failed']);
    // The other merchant's delivery, failing as long, is still being retried (ten-minute window).
    const still = await deliveriesWhen(t, patient.key, patientEndpoint.endpoint!.id, (v) =>
      v.some((d) => d.attemptCount >= given[0]!.attemptCount),
    );
    expect(still.map((d) => d.state)).toEqual(['pending']);
  });

  test('merchants read their own, never another’s; only operators write; bad input refused typed; audited', async () => {
    const shop = await t.createMerchant('Reading shop');
    const rival = await t.createMerchant('Rival shop');
    const own = await shop.client.data<{ merchantSettings: Record<string, unknown> }>(READ, {
      m: shop.merchantId,
    });
    expect(own.merchantSettings).toEqual({
      __typename: 'MerchantSettings',
      webhookDefaults: { eventTypes: null, retryForSeconds: 600, own: null },
    });
    const theirs = await rival.client.data<{ merchantSettings: { __typename: string } }>(READ, {
      m: shop.merchantId,
    });
    expect(theirs.merchantSettings.__typename).toBe('NotFoundError');
    const asMerchant = await shop.client.request(SET, {
      input: { merchantId: shop.merchantId, retryForSeconds: 60, reason: 'mine' },
    });
    expect(asMerchant.errors?.length).toBeGreaterThan(0);
    for (const [input, field] of [
      [{ eventTypes: [] }, 'eventTypes'],
      [{ eventTypes: ['Not A Type'] }, 'eventTypes'],
      [{ retryForSeconds: 0 }, 'retryForSeconds'],
      [{ retryForSeconds: MAX_RETRY_FOR_MS / 1000 + 1 }, 'retryForSeconds'],
      [{ retryForSeconds: 60, reason: ' ' }, 'reason'],
    ] as const) {
      expect(await set({ merchantId: shop.merchantId, ...input })).toMatchObject({
        __typename: 'ValidationError',
        field,
      });
    }
    expect(
      await set({ merchantId: '00000000-0000-4000-8000-000000000000', retryForSeconds: 60 }),
    ).toMatchObject({
      __typename: 'NotFoundError',
    });
    // Nothing refused was written.
    const unchanged = await shop.client.data<{ merchantSettings: { webhookDefaults: { own: unknown } } }>(
      READ,
      {
        m: shop.merchantId,
      },
    );
    expect(unchanged.merchantSettings.webhookDefaults.own).toBeNull();
    await set({ merchantId: shop.merchantId, retryForSeconds: 300, reason: 'slow receiver' });
    await set({ merchantId: shop.merchantId, eventTypes: ['order.placed'], reason: 'new endpoints: orders' });
    const AUDIT = `query($m: ID!) { webhookDefaultsChanges(merchantId: $m) { edges { node {
      reason changedBy before { eventTypes retryForSeconds } after { eventTypes retryForSeconds } } } } }`;
    const { webhookDefaultsChanges } = await shop.client.data<{
      webhookDefaultsChanges: { edges: { node: Record<string, unknown> }[] };
    }>(AUDIT, { m: shop.merchantId });
    expect(webhookDefaultsChanges.edges.map((e) => e.node)).toEqual([
      {
        reason: 'new endpoints: orders',
        changedBy: null,
        before: { eventTypes: null, retryForSeconds: 300 },
        after: { eventTypes: ['order.placed'], retryForSeconds: 300 },
      },
      {
        reason: 'slow receiver',
        changedBy: null,
        before: { eventTypes: null, retryForSeconds: null },
        after: { eventTypes: null, retryForSeconds: 300 },
      },
    ]);
    const asOperator = await t.operator.data<{
      webhookDefaultsChanges: { edges: { node: { changedBy: string | null } }[] };
    }>(AUDIT, { m: shop.merchantId });
    expect(asOperator.webhookDefaultsChanges.edges[0]!.node.changedBy).toMatch(/^[0-9a-f-]{36}$/);
    const rivals = await rival.client.data<{ webhookDefaultsChanges: { edges: unknown[] } }>(AUDIT, {
      m: shop.merchantId,
    });
    expect(rivals.webhookDefaultsChanges.edges).toEqual([]);
  });
});

describe.skipIf(!process.env.DATABASE_URL)('two gateway processes on one PostgreSQL', () => {
  let second: Gateway | undefined;
  afterAll(() => second?.close());

  test('a default set through one process applies to endpoints created through the other at once', async () => {
    second = await createGateway({
      database: { url: t.gateway.database.orm.config.get('clientUrl')!, poolSize: 2 },
      secrets: { masterKey },
      log: { level: 'warn' },
      plugins: [
        paymentsPlugin.with({ janitor: { intervalSeconds: 0 } }),
        eventsPlugin.with(testOptions({ webhooks: { retryForMs: MAX_RETRY_FOR_MS } }) as never),
      ],
    });
    const { url } = await second.start({ port: 0, host: '127.0.0.1' });
    const { secret } = await second.services.auth.issueOperatorKey(second.database.em.fork(), 'second');
    const onSecond = new HttpGraphQLClient(url, secret);
    const shop = await t.createMerchant('Propagated shop');
    const hooks = await receiver();
    await set({ merchantId: shop.merchantId, eventTypes: ['order.placed'] });
    const deadline = Date.now() + 10_000;
    let made = await create(onSecond, { url: hooks.url, merchantId: shop.merchantId });
    while (!made.endpoint && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      made = await create(onSecond, { url: hooks.url, merchantId: shop.merchantId });
    }
    expect(made.endpoint?.eventTypes).toEqual(['order.placed']);
  });
});
