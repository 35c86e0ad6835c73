import { afterAll, afterEach, beforeAll, expect, test } from 'vitest';
import type { TestGateway } from '../../../core/testing/create-test-gateway.ts';
import { WebhookReceiver } from './fixtures/webhook-receiver.ts';
import {
  bootEventsGateway,
  createEndpoint,
  createPartner,
  deliveriesWhen,
  logIds,
  placeOrders,
} from './support.ts';

let t: TestGateway;
const receivers: WebhookReceiver[] = [];
beforeAll(async () => {
  t = await bootEventsGateway({ webhooks: { retryForMs: 60_000 } });
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

test('a delivery is signed t=...,v1=HMAC-SHA256("t.body") with the endpoint’s secret, and carries the event', async () => {
  const { merchantId, key } = await t.createMerchant();
  const hooks = await receiver();
  const endpoint = await createEndpoint(t, key, { url: hooks.url, eventTypes: ['order.*'] });
  expect(endpoint.secret).toMatch(/^whsec_/);
  hooks.secrets = [endpoint.secret];
  const placed = await placeOrders(t, key, merchantId, { count: 1 });
  await hooks.waitFor(() => hooks.processed.length === 1);
  const [request] = hooks.requests;
  expect(request!.body).toMatchObject({
    id: placed.ids![0],
    type: 'order.placed',
    merchantId,
    data: { amount: '1000', sequence: 1 },
  });
  expect(request!.headers['gateway-event-id']).toBe(placed.ids![0]);
  expect(request!.headers['gateway-signature']).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
  // Tampering with the body, another secret, or a stale timestamp all fail verification.
  expect(
    hooks.verify({ ...request!, rawBody: request!.rawBody.replace('1000', '9000') }, endpoint.secret),
  ).toBe(false);
  expect(hooks.verify(request!, `${endpoint.secret}x`)).toBe(false);
  const stale = request!.headers['gateway-signature']!.toString().replace(
    /t=\d+/,
    `t=${Math.floor(Date.now() / 1000) - 301}`,
  );
  expect(
    hooks.verify(
      { ...request!, headers: { ...request!.headers, 'gateway-signature': stale } },
      endpoint.secret,
    ),
  ).toBe(false);

  // The secret is sealed at rest and never logged.
  const rows = await t.gateway.database.em
    .fork()
    .getConnection()
    .execute('select secret_sealed from webhook_endpoint');
  expect(JSON.stringify(rows)).not.toContain(endpoint.secret);
  expect(t.logs.join('\n')).not.toContain(endpoint.secret);
});

test('a receiver that answers 500s, times out and is down for a while ends with every event exactly once, each attempt recorded', async () => {
  const { merchantId, key } = await t.createMerchant();
  const hooks = await receiver();
  const endpoint = await createEndpoint(t, key, { url: hooks.url, eventTypes: ['order.placed'] });
  hooks.secrets = [endpoint.secret];
  const failuresPerEvent = new Map<string, number>();
  hooks.behave = (request) => {
    const n = (failuresPerEvent.get(request.body.id) ?? 0) + 1;
    failuresPerEvent.set(request.body.id, n);
    // First attempt of each event: 500; second: no answer (timeout); then fine.
    return n === 1 ? 'error' : n === 2 ? 'hang' : 'ok';
  };
  const first = await placeOrders(t, key, merchantId, { count: 3 });
  await hooks.waitFor(() => hooks.requests.length >= 3);
  await hooks.goDown();
  const whileDown = await placeOrders(t, key, merchantId, { count: 2 });
  await new Promise((resolve) => setTimeout(resolve, 1500));
  await hooks.start();
  const all = [...first.ids!, ...whileDown.ids!];
  await hooks.waitFor(() => hooks.processed.length === 5, 30_000);
  expect([...hooks.processed].sort()).toEqual([...all].sort());

  const views = await deliveriesWhen(t, key, endpoint.id, (v) => v.every((d) => d.state === 'delivered'));
  expect(views).toHaveLength(5);
  for (const view of views) {
    expect(view.state).toBe('delivered');
    expect(view.attempts.at(-1)).toMatchObject({ succeeded: true, statusCode: 200 });
    expect(view.attempts.map((a) => a.number)).toEqual(view.attempts.map((_a, i) => i + 1));
  }
  const errors = views.flatMap((v) => v.attempts.map((a) => a.error ?? a.statusCode));
  expect(errors).toContain('answered 500');
  expect(errors.some((e) => typeof e === 'string' && e.startsWith('timed out'))).toBe(true);
  expect(errors.some((e) => typeof e === 'string' && /ECONNREFUSED/.test(e))).toBe(true);
});

test('rotation with overlap: both secrets sign until the overlap ends; without overlap only the new one', async () => {
  const { merchantId, key } = await t.createMerchant();
  const hooks = await receiver();
  const endpoint = await createEndpoint(t, key, { url: hooks.url, eventTypes: ['*'] });
  const rotate = async (overlapSeconds: number) => {
    const { rotateWebhookSecret } = await t.http(key).data<{
      rotateWebhookSecret: { secret: string; endpoint: { previousSecretExpiresAt: string | null } };
    }>(
      `mutation($id: ID!, $overlap: Int) {
        rotateWebhookSecret(id: $id, overlapSeconds: $overlap) {
          ... on WebhookEndpointWithSecret { secret endpoint { previousSecretExpiresAt } }
        }
      }`,
      { id: endpoint.id, overlap: overlapSeconds },
    );
    return rotateWebhookSecret;
  };
  const rotated = await rotate(3600);
  expect(rotated.endpoint.previousSecretExpiresAt).not.toBeNull();
  hooks.secrets = [rotated.secret];
  await placeOrders(t, key, merchantId);
  await hooks.waitFor(() => hooks.processed.length === 1);
  const overlapping = hooks.requests.at(-1)!;
  expect(overlapping.headers['gateway-signature']).toMatch(/^t=\d+,v1=[0-9a-f]{64},v1=[0-9a-f]{64}$/);
  expect(hooks.verify(overlapping, endpoint.secret)).toBe(true);
  expect(hooks.verify(overlapping, rotated.secret)).toBe(true);

  const abrupt = await rotate(0);
  hooks.secrets = [abrupt.secret];
  await placeOrders(t, key, merchantId);
  await hooks.waitFor(() => hooks.processed.length === 2);
  const after = hooks.requests.at(-1)!;
  expect(hooks.verify(after, abrupt.secret)).toBe(true);
  expect(hooks.verify(after, rotated.secret)).toBe(false);
  expect(hooks.verify(after, endpoint.secret)).toBe(false);
});

test('a partner replays: events after a cursor, including ones from before the endpoint existed, are delivered again', async () => {
  const merchant = await t.createMerchant();
  const partner = await createPartner(t, [merchant.merchantId]);
  const early = await placeOrders(t, merchant.key, merchant.merchantId, { count: 2 });
  const hooks = await receiver();
  const endpoint = await createEndpoint(t, partner.key, { url: hooks.url, eventTypes: ['order.placed'] });
  hooks.secrets = [endpoint.secret];
  const later = await placeOrders(t, merchant.key, merchant.merchantId, { count: 1 });
  await hooks.waitFor(() => hooks.processed.length === 1);
  expect(hooks.processed).toEqual(later.ids);

  const { replayWebhookEvents } = await t
    .http(partner.key)
    .data<{ replayWebhookEvents: { scheduled: number } }>(
      `mutation($id: ID!) { replayWebhookEvents(endpointId: $id, after: "0") { ... on WebhookReplay { scheduled } } }`,
      { id: endpoint.id },
    );
  // Only this partner's granted merchant's events: 2 from before the endpoint, 1 delivered again.
  const visible = (await logIds(t, merchant.key)).length;
  expect(replayWebhookEvents.scheduled).toBe(visible);
  await hooks.waitFor(() => hooks.requests.length === 1 + visible);
  expect(hooks.processed).toEqual([...later.ids!, ...early.ids!]);
  expect(hooks.requests.filter((r) => r.body.id === later.ids![0])).toHaveLength(2);
});

test('a partner endpoint gets only the events of merchants that granted it; another partner cannot see or replay it', async () => {
  const granted = await t.createMerchant();
  const other = await t.createMerchant();
  const partner = await createPartner(t, [granted.merchantId]);
  const stranger = await createPartner(t, [other.merchantId]);
  const hooks = await receiver();
  const endpoint = await createEndpoint(t, partner.key, { url: hooks.url, eventTypes: ['*'] });
  hooks.secrets = [endpoint.secret];
  await placeOrders(t, other.key, other.merchantId, { count: 2 });
  const mine = await placeOrders(t, granted.key, granted.merchantId, { count: 1 });
  await hooks.waitFor(() => hooks.processed.length === 1);
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(hooks.processed).toEqual(mine.ids);
  expect(hooks.requests).toHaveLength(1);

  const denied = await t
    .http(stranger.key)
    .data<{ replayWebhookEvents: { __typename: string } }>(
      `mutation($id: ID!) { replayWebhookEvents(endpointId: $id, after: "0") { __typename } }`,
      { id: endpoint.id },
    );
  expect(denied.replayWebhookEvents.__typename).toBe('NotFoundError');
});

test('a delivery that keeps failing is given up after the retry window, with its attempts recorded', async () => {
  const short = await bootEventsGateway({
    // A window of a few retry delays, long enough that a slow first attempt (a loaded machine) is not all of it.
    webhooks: { retryForMs: 2000, retryBaseDelayMs: 50, retryMaxDelayMs: 100 },
  });
  try {
    const { merchantId, key } = await short.createMerchant();
    const hooks = await receiver();
    hooks.behave = () => 'error';
    const endpoint = await createEndpoint(short, key, { url: hooks.url, eventTypes: ['*'] });
    await placeOrders(short, key, merchantId);
    const view = await deliveriesWhen(short, key, endpoint.id, (v) => v[0]?.state === 'failed');
    expect(view[0]!.state).toBe('failed');
    expect(view[0]!.attemptCount).toBeGreaterThan(1);
    expect(view[0]!.attempts).toHaveLength(view[0]!.attemptCount);
    expect(hooks.requests).toHaveLength(view[0]!.attemptCount);
    const count = hooks.requests.length;
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(hooks.requests.length).toBe(count);
  } finally {
    await short.close();
  }
});

test('bad input is refused with a typed error and changes nothing', async () => {
  const { key } = await t.createMerchant();
  for (const input of [
    { url: 'ftp://example.com/hook', eventTypes: ['*'] },
    { url: 'https://user:pw@example.com/hook', eventTypes: ['*'] },
    { url: 'https://example.com/hook', eventTypes: [] },
    { url: 'https://example.com/hook', eventTypes: ['Payment Captured'] },
  ]) {
    const { createWebhookEndpoint } = await t
      .http(key)
      .data<{ createWebhookEndpoint: { __typename: string; field: string } }>(
        `mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { __typename ... on ValidationError { field } } }`,
        { input },
      );
    expect(createWebhookEndpoint.__typename).toBe('ValidationError');
  }
  const { webhookEndpoints } = await t
    .http(key)
    .data<{ webhookEndpoints: unknown[] }>('{ webhookEndpoints { id } }');
  expect(webhookEndpoints).toEqual([]);
});

test('a disabled endpoint gets nothing more; re-enabled and replayed, it gets what it missed', async () => {
  const { merchantId, key } = await t.createMerchant();
  const hooks = await receiver();
  const endpoint = await createEndpoint(t, key, { url: hooks.url, eventTypes: ['*'] });
  hooks.secrets = [endpoint.secret];
  const update = (enabled: boolean) =>
    t
      .http(key)
      .data(
        `mutation($id: ID!, $enabled: Boolean) { updateWebhookEndpoint(id: $id, input: { enabled: $enabled }) { ... on WebhookEndpoint { enabled } } }`,
        { id: endpoint.id, enabled },
      );
  await update(false);
  const missed = await placeOrders(t, key, merchantId, { count: 2 });
  await t.gateway.services.events.sync();
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(hooks.requests).toHaveLength(0);
  await update(true);
  await t
    .http(key)
    .data(
      `mutation($id: ID!) { replayWebhookEvents(endpointId: $id, after: "0") { ... on WebhookReplay { scheduled } } }`,
      { id: endpoint.id },
    );
  await hooks.waitFor(() => hooks.processed.length === 2);
  expect(hooks.processed).toEqual(missed.ids);
});
