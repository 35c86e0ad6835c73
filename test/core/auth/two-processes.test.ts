import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, test } from 'vitest';
import type { GatewayConfig } from '../../../core/config.ts';
import { SecretBox } from '../../../core/crypto/secret-box.ts';
import { type GatewayProcessConfig, startGatewayProcess } from '../../../core/testing/gateway-process.ts';
import { createWebSocketClient, type HttpGraphQLClient } from '../../../core/testing/graphql-clients.ts';
import { createIsolatedDatabase } from '../../../core/testing/isolated-database.ts';

const SCRIPT = fileURLToPath(new URL('./fixtures/gateway-process.ts', import.meta.url));
const serverUrl = process.env.DATABASE_URL;
/** Two gateway processes boot in this test: over half a minute on a busy two-core machine. */
const BOOT_TWO = { timeout: 120_000 };
const HEARTBEAT = 'subscription { heartbeat(everySeconds: 1) { sequence } }';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const startProcess = async (config: GatewayProcessConfig) =>
  (await startGatewayProcess(SCRIPT, config, cleanups)).operator;

/** Two gateway processes on one fresh PostgreSQL database, started one after the other. */
export async function twoProcesses(limits?: GatewayConfig['limits']) {
  const database = await createIsolatedDatabase(serverUrl!);
  cleanups.push(database.drop);
  const config = { databaseUrl: database.url, masterKey: SecretBox.generateMasterKey(), limits };
  const one = await startProcess(config);
  const two = await startProcess(config);
  return { one, two };
}

async function merchantKey(operator: HttpGraphQLClient) {
  const { createMerchant } = await operator.data<{ createMerchant: { id: string } }>(
    'mutation { createMerchant(name: "M") { ... on Merchant { id } } }',
  );
  const { createApiKey } = await operator.data<{ createApiKey: { secret: string; apiKey: { id: string } } }>(
    'mutation($m: ID!) { createApiKey(input: { kind: merchant, label: "k", merchantId: $m }) { ... on CreatedApiKey { secret apiKey { id } } } }',
    { m: createMerchant.id },
  );
  return { key: createApiKey.secret, id: createApiKey.apiKey.id };
}

/** Waits for the first beat, then returns how the subscription ends. */
async function heartbeatEnd(url: string, token: string): Promise<{ ended: Promise<unknown> }> {
  const socket = createWebSocketClient(url, token);
  cleanups.push(async () => socket.dispose());
  const iterator = socket.iterate({ query: HEARTBEAT });
  await iterator.next();
  const ended = (async () => {
    try {
      for (;;) if ((await iterator.next()).done) return 'completed';
    } catch (error) {
      return error;
    }
  })();
  return { ended };
}

describe.skipIf(!serverUrl)('two gateway processes on one PostgreSQL: revocation', () => {
  test(
    'a key revoked through one process closes its socket and ends its stream on the other',
    BOOT_TWO,
    async () => {
      const { one, two } = await twoProcesses();
      const { key, id } = await merchantKey(one);
      const socket = await heartbeatEnd(two.url, key);
      const stream = two.withToken(key).sse(HEARTBEAT);
      await stream.next();
      const streamEnd = (async () => {
        const results = [];
        for await (const result of stream) results.push(result);
        return results;
      })();

      await one.data('mutation($id: ID!) { revokeApiKey(id: $id) { __typename } }', { id });

      expect(await socket.ended).toMatchObject({ code: 4403, reason: 'Credential revoked' });
      expect((await streamEnd).at(-1)?.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect((await two.withToken(key).request('{ viewer { kind } }')).status).toBe(401);
    },
  );

  test(
    'a customer session revoked through one process closes its socket on the other',
    BOOT_TWO,
    async () => {
      const { one, two } = await twoProcesses();
      const { key } = await merchantKey(one);
      const { createCustomerSession } = await one.withToken(key).data<{
        createCustomerSession: { token: string; session: { id: string } };
      }>(
        'mutation { createCustomerSession(customerRef: "u") { ... on CreatedCustomerSession { token session { id } } } }',
      );
      const socket = await heartbeatEnd(two.url, createCustomerSession.token);

      await one.withToken(key).data('mutation($id: ID!) { revokeCustomerSession(id: $id) { __typename } }', {
        id: createCustomerSession.session.id,
      });

      expect(await socket.ended).toMatchObject({ code: 4403, reason: 'Credential revoked' });
    },
  );
});

describe.skipIf(!serverUrl)('two gateway processes on one PostgreSQL: abuse limits', () => {
  const limits = {
    requests: { merchant: { requests: 4, perSeconds: 600 } },
    credentialFailures: { attempts: 2, perSeconds: 600, blockSeconds: 600 },
  };

  test('a key’s requests count once across both processes', BOOT_TWO, async () => {
    const { one, two } = await twoProcesses(limits);
    const { key } = await merchantKey(one);
    const statuses = [];
    for (const gateway of [one, two, one, two, one, two]) {
      statuses.push((await gateway.withToken(key).request('{ viewer { kind } }')).status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
  });

  test('API key guesses on one process block the address on the other', BOOT_TWO, async () => {
    const { one, two } = await twoProcesses(limits);
    const guess = (gateway: HttpGraphQLClient, i: number) =>
      gateway.withToken(`gw_mk_guess${i}`).request('{ viewer { kind } }');
    expect((await guess(one, 1)).status).toBe(401);
    expect((await guess(two, 2)).status).toBe(401);
    const third = await guess(one, 3);
    expect(third.status).toBe(429);
    expect(third.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(500);
    expect((await guess(two, 4)).status).toBe(429);
  });
});
