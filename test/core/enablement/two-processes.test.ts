import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, test } from 'vitest';
import { SecretBox } from '../../../core/crypto/secret-box.ts';
import { type GatewayProcessConfig, startGatewayProcess } from '../../../core/testing/gateway-process.ts';
import { createIsolatedDatabase } from '../../../core/testing/isolated-database.ts';
import { answer, setPluginEnabled } from './support.ts';

const SCRIPT = fileURLToPath(new URL('./fixtures/gateway-process.ts', import.meta.url));
const serverUrl = process.env.DATABASE_URL;
/** Generous: the notification arrives in milliseconds; only a failure takes this long. */
const PROPAGATION_LIMIT_MS = 10_000;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const startProcess = async (config: GatewayProcessConfig) =>
  (await startGatewayProcess(SCRIPT, config, cleanups)).operator;

/** Asks until the answer is `expected` or the limit passes; returns the last answer. */
async function eventually(ask: () => Promise<unknown>, expected: unknown): Promise<unknown> {
  const deadline = Date.now() + PROPAGATION_LIMIT_MS;
  let last = await ask();
  while (last !== expected && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    last = await ask();
  }
  return last;
}

describe.skipIf(!serverUrl)('two gateway processes on one PostgreSQL', () => {
  test('a switch made through one process applies in the other without a restart', async () => {
    const database = await createIsolatedDatabase(serverUrl!);
    cleanups.push(database.drop);
    const config = { databaseUrl: database.url, masterKey: SecretBox.generateMasterKey() };
    // One after the other, so the second finds the schema migrated.
    const one = await startProcess(config);
    const two = await startProcess(config);

    const { createMerchant } = await one.data<{ createMerchant: { id: string } }>(
      'mutation { createMerchant(name: "M") { ... on Merchant { id } } }',
    );
    const merchantId = createMerchant.id;
    const { createApiKey } = await one.data<{ createApiKey: { secret: string } }>(
      'mutation($m: ID!) { createApiKey(input: { kind: merchant, label: "k", merchantId: $m }) { ... on CreatedApiKey { secret } } }',
      { m: merchantId },
    );
    const onTwo = two.withToken(createApiKey.secret);
    const ping = async () =>
      (
        await onTwo.data<{ ping: string[] }>('mutation($m: ID!) { ping(merchantId: $m) }', { m: merchantId })
      ).ping.join();
    expect(await answer(onTwo, '{ gadgetOn }')).toBe('gadget-on');

    await setPluginEnabled(one, merchantId, 'gadget-on', false, 'through process one');
    expect(await eventually(() => answer(onTwo, '{ gadgetOn }'), 'PLUGIN_DISABLED')).toBe('PLUGIN_DISABLED');
    expect(await ping()).toBe('');

    await setPluginEnabled(one, merchantId, 'gadget-off', true, 'and back on, another plugin');
    expect(await eventually(() => answer(onTwo, '{ gadgetOff }'), 'gadget-off')).toBe('gadget-off');
    expect(await ping()).toBe('gadget-off');
  });
});
