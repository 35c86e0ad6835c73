import { Writable } from 'node:stream';
import type { Client } from 'graphql-ws';
import type { GatewayConfig } from '../config.ts';
import { SecretBox } from '../crypto/secret-box.ts';
import { createGateway, type Gateway } from '../gateway.ts';
import type { InstalledPlugin } from '../plugin.ts';
import { createWebSocketClient, HttpGraphQLClient } from './graphql-clients.ts';
import { createIsolatedDatabase } from './isolated-database.ts';
import { freshClusterSnapshot } from './pglite-snapshot.ts';

export interface TestGatewayOptions {
  plugins?: readonly InstalledPlugin[];
  /**
   * Runs on the booted gateway before it starts (and migrates what is still pending): a
   * migration test applies the older migrations itself here and writes rows in the old shape.
   */
  beforeStart?(gateway: Gateway): Promise<void>;
  /** Anything else of the gateway's configuration (http limits, ...). */
  config?: Omit<Partial<GatewayConfig>, 'plugins'>;
}

export interface TestGateway {
  readonly gateway: Gateway;
  /** The GraphQL endpoint, e.g. http://127.0.0.1:40123/graphql. */
  readonly url: string;
  /** The server root (for /health, /ready, /metrics). */
  readonly origin: string;
  /** An operator key, created on the fresh database. */
  readonly operatorKey: string;
  /** HTTP client without credentials. */
  readonly anonymous: HttpGraphQLClient;
  /** HTTP client with the operator key. */
  readonly operator: HttpGraphQLClient;
  http(token?: string): HttpGraphQLClient;
  /** graphql-ws client; closed with the gateway. */
  websocket(token?: string): Client;
  /** A merchant with its own API key; `country` is where it is established. */
  createMerchant(
    name?: string,
    options?: { country?: string },
  ): Promise<{ merchantId: string; key: string; client: HttpGraphQLClient }>;
  /** Every JSON log line the gateway wrote. */
  readonly logs: string[];
  close(): Promise<void>;
}

/**
 * Boots a real gateway (real HTTP server, real database) around the given plugins, on a fresh
 * database: in-memory PGlite, or an isolated database on the server when DATABASE_URL is set.
 */
export async function createTestGateway(options: TestGatewayOptions = {}): Promise<TestGateway> {
  const server = process.env.DATABASE_URL;
  const isolated = server ? await createIsolatedDatabase(server) : undefined;
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      logs.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  const sockets: Client[] = [];
  let gateway: Gateway | undefined;
  try {
    gateway = await createGateway({
      ...options.config,
      database: isolated
        ? { url: isolated.url, poolSize: 5 }
        : { dataDir: 'memory://', embeddedSnapshot: await freshClusterSnapshot() },
      // A test that boots a second process on the same database passes the key both share.
      secrets: options.config?.secrets ?? { masterKey: SecretBox.generateMasterKey() },
      log: { level: 'info', destination, ...options.config?.log },
      plugins: options.plugins ?? [],
    });
    await options.beforeStart?.(gateway);
    const { url } = await gateway.start({ port: 0, host: '127.0.0.1' });
    const { secret: operatorKey } = await gateway.services.auth.issueOperatorKey(
      gateway.database.em.fork(),
      'test operator',
    );
    const anonymous = new HttpGraphQLClient(url);
    const operator = anonymous.withToken(operatorKey);
    const started = gateway;
    return {
      gateway: started,
      url,
      origin: new URL(url).origin,
      operatorKey,
      anonymous,
      operator,
      logs,
      http: (token) => anonymous.withToken(token),
      websocket: (token) => {
        const client = createWebSocketClient(url, token);
        sockets.push(client);
        return client;
      },
      async createMerchant(name = 'Test merchant', { country }: { country?: string } = {}) {
        const created = await operator.data<{ createMerchant: { id: string } }>(
          'mutation($name: String!, $country: String) { createMerchant(name: $name, country: $country) { ... on Merchant { id } } }',
          { name, country },
        );
        const merchantId = created.createMerchant.id;
        const keyed = await operator.data<{ createApiKey: { secret: string } }>(
          `mutation($merchantId: ID!) {
            createApiKey(input: { kind: merchant, label: "test", merchantId: $merchantId }) { ... on CreatedApiKey { secret } }
          }`,
          { merchantId },
        );
        const key = keyed.createApiKey.secret;
        return { merchantId, key, client: anonymous.withToken(key) };
      },
      async close() {
        await Promise.all(sockets.map((s) => s.dispose()));
        await started.close();
        await isolated?.drop();
      },
    };
  } catch (error) {
    await gateway?.close().catch(() => {});
    await isolated?.drop();
    throw error;
  }
}
