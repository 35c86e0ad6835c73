import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, test } from 'vitest';
import { SecretBox } from '../../../core/crypto/secret-box.ts';
import {
  type GatewayChild as GatewayProcess,
  type GatewayProcessConfig,
  startGatewayProcess,
} from '../../../core/testing/gateway-process.ts';
import { createWebSocketClient, HttpGraphQLClient } from '../../../core/testing/graphql-clients.ts';
import { createIsolatedDatabase } from '../../../core/testing/isolated-database.ts';
import { WebhookReceiver } from './fixtures/webhook-receiver.ts';
import { collect, SUBSCRIBE_EVENTS, testOptions } from './support.ts';

const SCRIPT = fileURLToPath(new URL('./fixtures/gateway-process.ts', import.meta.url));
const serverUrl = process.env.DATABASE_URL;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const startProcess = (config: GatewayProcessConfig) => startGatewayProcess(SCRIPT, config, cleanups);

/** Two gateway processes on one fresh database; notifications are the only fast path (polling is a minute). */
async function twoProcesses(eventBus: Record<string, unknown>, webhooks: Record<string, unknown> = {}) {
  const database = await createIsolatedDatabase(serverUrl!);
  cleanups.push(database.drop);
  const config = {
    databaseUrl: database.url,
    masterKey: SecretBox.generateMasterKey(),
    events: testOptions({ eventBus: { pollIntervalMs: 60_000, ...eventBus }, webhooks }),
  };
  // One after the other, so the second finds the schema migrated (concurrent migration has its own test).
  const a = await startProcess(config);
  const b = await startProcess(config);
  return { a, b };
}

async function merchantWithKey(gateway: GatewayProcess) {
  const { createMerchant } = await gateway.operator.data<{ createMerchant: { id: string } }>(
    'mutation { createMerchant(name: "M") { ... on Merchant { id } } }',
  );
  const { createApiKey } = await gateway.operator.data<{ createApiKey: { secret: string } }>(
    `mutation($m: ID!) { createApiKey(input: { kind: merchant, label: "k", merchantId: $m }) { ... on CreatedApiKey { secret } } }`,
    { m: createMerchant.id },
  );
  return { merchantId: createMerchant.id, key: createApiKey.secret };
}

async function place(
  gateway: GatewayProcess,
  key: string,
  merchantId: string,
  count: number,
  asTrigger = false,
): Promise<string[]> {
  const { placeTestOrders } = await new HttpGraphQLClient(gateway.url, key).data<{
    placeTestOrders: { eventIds: string[] };
  }>(
    `mutation($m: ID!, $n: Int, $t: Boolean) {
      placeTestOrders(merchantId: $m, count: $n, asTrigger: $t) { ... on TestOrdersPlaced { eventIds } }
    }`,
    { m: merchantId, n: count, t: asTrigger },
  );
  return placeTestOrders.eventIds;
}

describe.skipIf(!serverUrl)('two gateway processes on one PostgreSQL', () => {
  for (const [bus, eventBus] of [
    ['PostgreSQL LISTEN/NOTIFY', {}],
    [
      'Redis pub/sub',
      { redisUrl: 'redis://127.0.0.1:6379', redisChannel: `gw_test_${randomBytes(4).toString('hex')}` },
    ],
  ] as const) {
    test(`a subscriber on A receives, at once, events committed through B, also by triggers (${bus})`, async () => {
      const { a, b } = await twoProcesses(eventBus);
      const { merchantId, key } = await merchantWithKey(a);
      const client = createWebSocketClient(a.url, key);
      cleanups.push(() => client.dispose() as Promise<void>);
      const stream = collect(client, SUBSCRIBE_EVENTS, { after: '0' });
      const first = await place(b, key, merchantId, 2);
      expect((await stream.until(2, 5000)).map((e) => e.id)).toEqual(first);
      const second = await place(b, key, merchantId, 1);
      expect((await stream.until(3, 5000)).map((e) => e.id)).toEqual([...first, ...second]);
      // Written in SQL as database triggers do: B's probe sequences them, and the pass announces them to A.
      const third = await place(b, key, merchantId, 2, true);
      expect((await stream.until(5, 5000)).map((e) => e.id)).toEqual([...first, ...second, ...third]);
      stream.stop();
    });
  }

  test('webhook deliveries are shared by both processes and none is sent twice', async () => {
    const { a, b } = await twoProcesses({}, { concurrency: 2 });
    const { merchantId, key } = await merchantWithKey(a);
    const receiver = new WebhookReceiver();
    await receiver.start();
    cleanups.push(() => receiver.close());
    const { createWebhookEndpoint } = await new HttpGraphQLClient(a.url, key).data<{
      createWebhookEndpoint: { secret: string };
    }>(
      `mutation($url: String!) { createWebhookEndpoint(input: { url: $url, eventTypes: ["*"] }) { ... on WebhookEndpointWithSecret { secret } } }`,
      { url: receiver.url },
    );
    receiver.secrets = [createWebhookEndpoint.secret];
    receiver.delayMs = 100;
    const ids = (
      await Promise.all([
        place(a, key, merchantId, 15),
        place(b, key, merchantId, 15),
        place(a, key, merchantId, 10),
      ])
    ).flat();
    await receiver.waitFor(() => receiver.processed.length === 40, 20_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect([...receiver.processed].sort()).toEqual([...ids].sort());
    expect(receiver.requests).toHaveLength(40);
    // Each process sends at most 2 at once: more than 2 open requests means both were sending.
    expect(receiver.maxConcurrent).toBeGreaterThan(2);
  });
});
