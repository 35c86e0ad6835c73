import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createTestGateway, type TestGateway } from '../../core/testing/create-test-gateway.ts';
import { carrierBillingPlugin } from '../../plugins/carrier-billing/index.ts';
import { eventsPlugin } from '../../plugins/events/index.ts';
import { paymentsPlugin } from '../../plugins/payments/index.ts';
import { sandboxCardPlugin } from '../../plugins/sandbox-card/index.ts';
import { totpPlugin } from '../../plugins/totp/index.ts';
import { walletPlugin } from '../../plugins/wallet/index.ts';

// docs/getting-started.md is one Node script split into ```js blocks. This runs those blocks, in
// order, as the reader would (`node getting-started.mjs`), against a gateway with the plugins
// of yoga.config.ts and the one change the guide asks for (webhooks to 127.0.0.1).

const guide = readFileSync(new URL('../../docs/getting-started.md', import.meta.url), 'utf8');
const script = [...guide.matchAll(/```js\n([\s\S]*?)```/g)].map(([, block]) => block).join('\n');

let t: TestGateway;
let dir: string;
beforeAll(async () => {
  t = await createTestGateway({
    plugins: [
      totpPlugin,
      eventsPlugin.with({ webhooks: { allowInsecureUrls: true, pollIntervalMs: 50 } }),
      paymentsPlugin,
      walletPlugin,
      sandboxCardPlugin,
      carrierBillingPlugin,
    ],
  });
  dir = mkdtempSync(join(tmpdir(), 'getting-started-'));
});
afterAll(async () => {
  await t?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('the getting-started guide runs end to end, in order, and says what it promises', async () => {
  expect(script).toContain('// getting-started.mjs');
  const file = join(dir, 'getting-started.mjs');
  writeFileSync(file, script);
  const { stdout } = await promisify(execFile)(process.execPath, [file], {
    env: { ...process.env, GATEWAY_URL: t.url, OPERATOR_KEY: t.operatorKey },
    timeout: 120_000,
  });
  const lines = stdout.trim().split('\n');
  expect(lines).toEqual([
    expect.stringMatching(/^merchant Corner shop gw_mk_$/),
    'customer user-42',
    'top-up captured',
    'payment captured 10',
    'refund refunded balance 10000',
    'webhook payment.captured 25',
    expect.stringMatching(/^events payment\.\S+ .*payment\.captured .*refund\.succeeded/),
    'customer sees 9975 KRW',
    expect.stringMatching(/^partner sees \d+ events of 1 merchant$/),
  ]);
});
