import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import type { GatewayConfig } from '../../core/config.ts';
import { SecretBox } from '../../core/crypto/secret-box.ts';
import { createGateway } from '../../core/gateway.ts';
import { createIsolatedDatabase } from '../../core/testing/isolated-database.ts';
import config from '../../yoga.config.ts';

const serverUrl = process.env.DATABASE_URL;
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** A database that outlives one gateway: a folder for PGlite, an isolated database on the server. */
async function durableDatabase(): Promise<GatewayConfig['database']> {
  if (serverUrl) {
    const isolated = await createIsolatedDatabase(serverUrl);
    cleanups.push(isolated.drop);
    return { url: isolated.url, poolSize: 4 };
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'gateway-migrations-'));
  cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
  return { dataDir };
}

const masterKey = SecretBox.generateMasterKey();
const boot = (database: GatewayConfig['database']) =>
  createGateway({ ...config, database, secrets: { masterKey }, log: { level: 'silent' } });

// Two boots of an on-disk PGlite cluster (initdb under WASM each time): slow on a loaded machine.
test('every installed plugin migrates in dependency order, once: a restart applies nothing', {
  timeout: 120_000,
}, async () => {
  const database = await durableDatabase();
  const first = await boot(database);
  const applied = await first.migrate();
  expect(applied[0]).toBe('auth/0001-auth-tables');
  const order = first.plugins.map((p) => p.definition.name);
  const pluginOfEach = applied.map((name) => order.indexOf(name.split('/')[0]!));
  expect(pluginOfEach).toEqual([...pluginOfEach].sort((a, b) => a - b));
  await first.close();

  const second = await boot(database);
  expect(await second.migrate()).toEqual([]);
  expect(await second.database.status()).toEqual({ executed: applied, pending: [] });
  await second.close();
});

test('the migrations create exactly the schema the entities describe', { timeout: 120_000 }, async () => {
  const gateway = await boot(await durableDatabase());
  await gateway.migrate();
  const drift = await gateway.database.orm.schema.getUpdateSchemaSQL({ wrap: false });
  await gateway.close();
  expect(drift.trim()).toBe('');
});

describe.skipIf(!serverUrl)('on a PostgreSQL server', () => {
  test('two gateways (separate connection pools) migrating at once apply each migration once', async () => {
    const database = await durableDatabase();
    const [a, b] = await Promise.all([boot(database), boot(database)]);
    const [appliedA, appliedB] = await Promise.all([a.migrate(), b.migrate()]);
    await Promise.all([a.close(), b.close()]);
    expect([...appliedA, ...appliedB].sort()).toEqual([...new Set([...appliedA, ...appliedB])].sort());
    expect(appliedA.length + appliedB.length).toBeGreaterThan(0);
  });
});

test('while the database is unreachable: /health is 200, /ready and GraphQL are 503', async () => {
  const gateway = await createGateway({
    ...config,
    database: { url: 'postgres://postgres@127.0.0.1:1/nowhere' },
    secrets: { masterKey },
    log: { level: 'silent' },
  });
  const starting = gateway.start({ port: 0, host: '127.0.0.1' });
  while (!gateway.server.listening) await new Promise((resolve) => setTimeout(resolve, 20));
  const { port } = gateway.server.address() as { port: number };
  const origin = `http://127.0.0.1:${port}`;
  expect((await fetch(`${origin}/health`)).status).toBe(200);
  const ready = await fetch(`${origin}/ready`);
  expect(ready.status).toBe(503);
  const graphql = await fetch(`${origin}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ viewer { kind } }' }),
  });
  expect(graphql.status).toBe(503);
  expect((await graphql.json()).errors[0].extensions.code).toBe('NOT_READY');
  await gateway.close();
  await starting;
  expect(gateway.isReady()).toBe(false);
});

test('a server database without a master key refuses to boot', async () => {
  await expect(
    createGateway({
      ...config,
      database: { url: 'postgres://postgres@127.0.0.1:1/x' },
      secrets: {},
      log: { level: 'silent' },
    }),
  ).rejects.toThrow(/no master key is set for a PostgreSQL server. Fix: set GATEWAY_MASTER_KEY/);
});
