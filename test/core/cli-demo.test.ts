import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, expect, test } from 'vitest';

const run = promisify(execFile);
const dataDir = mkdtempSync(join(tmpdir(), 'gateway-demo-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const gateway = (...args: string[]) =>
  run(process.execPath, ['core/cli/gateway.ts', ...args], {
    env: { ...process.env, DATABASE_URL: '', GATEWAY_DATA_DIR: dataDir, GATEWAY_MASTER_KEY: '' },
  });

test('gateway demo fills an empty embedded database in one step, and the ledger stays sound', {
  timeout: 180_000,
}, async () => {
  const { stdout } = await gateway('demo');
  expect(stdout).toMatch(/^merchant "Demo shop" [0-9a-f-]{36}$/m);
  expect(stdout).toMatch(/^gw_mk_[A-Za-z0-9_-]{43}$/m);
  expect(stdout.match(/^customer demo-\w+ .* topped up with KRW 10000$/gm)).toHaveLength(3);
  expect(stdout).toContain('6 wallet payments, 1 refunded');
  const verified = await gateway('ledger', 'verify');
  expect(verified.stdout).not.toMatch(/fail/i);
});
