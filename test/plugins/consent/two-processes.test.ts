import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, test } from 'vitest';
import { SecretBox } from '../../../core/crypto/secret-box.ts';
import { type GatewayProcessConfig, startGatewayProcess } from '../../../core/testing/gateway-process.ts';
import { createIsolatedDatabase } from '../../../core/testing/isolated-database.ts';
import { createCustomer, customerSession, giveConsent, publishNotice } from './support.ts';

const SCRIPT = fileURLToPath(new URL('./fixtures/gateway-process.ts', import.meta.url));
const serverUrl = process.env.DATABASE_URL;
/** Generous: the notice arrives in milliseconds; only a failure takes this long. */
const PROPAGATION_LIMIT_MS = 10_000;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const startProcess = async (config: GatewayProcessConfig) =>
  (await startGatewayProcess(SCRIPT, config, cleanups)).operator;

describe.skipIf(!serverUrl)('consent across two gateway processes on one PostgreSQL', () => {
  test('an EU customer withdraws analytics through one process; the other’s cached allows turns false', async () => {
    const database = await createIsolatedDatabase(serverUrl!);
    cleanups.push(database.drop);
    const config = { databaseUrl: database.url, masterKey: SecretBox.generateMasterKey() };
    const one = await startProcess(config);
    const two = await startProcess(config);

    const { createMerchant } = await one.data<{ createMerchant: { id: string } }>(
      'mutation { createMerchant(name: "M") { ... on Merchant { id } } }',
    );
    const { createApiKey } = await one.data<{ createApiKey: { secret: string } }>(
      'mutation($m: ID!) { createApiKey(input: { kind: merchant, label: "k", merchantId: $m }) { ... on CreatedApiKey { secret } } }',
      { m: createMerchant.id },
    );
    const shopOne = one.withToken(createApiKey.secret);
    const shopTwo = two.withToken(createApiKey.secret);
    const notice = await publishNotice(shopOne, {
      language: 'en',
      territories: ['DE'],
      purposes: [{ id: 'analytics', mandatory: false, items: ['pages visited'] }],
    });
    await createCustomer(shopOne, 'anna', 'DE');
    const anna = await customerSession({ http: (token) => one.withToken(token) }, shopOne, 'anna');
    const allowedOnTwo = async () =>
      (
        await shopTwo.data<{ consentAllows: boolean }>(
          '{ consentAllows(customerRef: "anna", purpose: "analytics") }',
        )
      ).consentAllows;

    // Process two caches "not allowed", then hears of the grant made through process one.
    expect(await allowedOnTwo()).toBe(false);
    await giveConsent(anna, { noticeId: notice.id, decisions: [{ purpose: 'analytics', granted: true }] });
    expect(await eventually(allowedOnTwo, true)).toBe(true);

    await anna.data(
      'mutation { withdrawConsent(input: { purposes: ["analytics"], collectionPoint: "privacy page" }) { __typename } }',
    );
    expect(await eventually(allowedOnTwo, false)).toBe(false);
  });
});

async function eventually(ask: () => Promise<unknown>, expected: unknown): Promise<unknown> {
  const deadline = Date.now() + PROPAGATION_LIMIT_MS;
  let last = await ask();
  while (last !== expected && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    last = await ask();
  }
  return last;
}
