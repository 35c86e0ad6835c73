import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, test } from 'vitest';

const run = promisify(execFile);

/** The CLI as an operator runs it, killed after `timeout` ms; resolves with the exit code and both streams. */
const gatewayWithin = (timeout: number, env: Record<string, string>, ...args: string[]) =>
  run(process.execPath, ['core/cli/gateway.ts', ...args], {
    env: { ...process.env, GATEWAY_MASTER_KEY: '', LOG_FORMAT: 'json', ...env },
    timeout,
  }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );
const gateway = (env: Record<string, string>, ...args: string[]) => gatewayWithin(0, env, ...args);

test('a port in use stops boot with one line naming the port and the fix', { timeout: 60_000 }, async () => {
  const taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  const { port } = taken.address() as { port: number };
  try {
    const result = await gateway(
      { DATABASE_URL: '', GATEWAY_DATA_DIR: 'memory://', PORT: String(port) },
      'start',
    );
    expect(result.code).toBe(1);
    expect(result.stderr).not.toMatch(/WebSocket/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stderr.trim()).toBe(
      `port ${port} is already in use by another program (maybe another gateway). Fix: stop that program, or start on a free port: PORT=${port + 1} npm start`,
    );
  } finally {
    taken.close();
  }
});

test('misspelt options of two plugins are both refused at boot, each naming the plugin’s export', async () => {
  const folder = mkdtempSync(join(tmpdir(), 'gateway-config-'));
  const from = (path: string) => JSON.stringify(resolve(path));
  const configFile = join(folder, 'typo.config.ts');
  writeFileSync(
    configFile,
    `import { defineConfig } from ${from('core/config.ts')};
import { carrierBillingPlugin } from ${from('plugins/carrier-billing/index.ts')};
import { paymentsPlugin } from ${from('plugins/payments/index.ts')};
export default defineConfig({
  database: { dataDir: 'memory://' },
  plugins: [paymentsPlugin.with({ janitor: { intervalSecs: 5 } }), carrierBillingPlugin.with({ monthlyCapp: 5000 })],
});
`,
  );
  try {
    const result = await gateway({}, 'plugins', '--config', configFile);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      '2 problems stop boot:',
      '- plugin "payments": option "janitor.intervalSecs" is unknown. Fix: remove it or correct its name in paymentsPlugin.with({ ... }) in yoga.config.ts; "janitor" takes intervalSeconds, retryBaseSeconds, retryMaxSeconds',
      '- plugin "carrier-billing": option "monthlyCapp" is unknown. Fix: remove it or correct its name in carrierBillingPlugin.with({ ... }) in yoga.config.ts; the options take monthlyCap, codeTtlSeconds, readTimeoutMs, sandboxOutbox',
    ]);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

describe('PostgreSQL without the configured database', () => {
  const server = 'postgres://postgres@127.0.0.1:5432';
  const missing = `gateway_missing_${process.pid}`;
  const env = {
    DATABASE_URL: `${server}/${missing}`,
    GATEWAY_MASTER_KEY: Buffer.alloc(32, 7).toString('base64'),
    PORT: '0',
  };
  const expected = `PostgreSQL at 127.0.0.1:5432 has no database "${missing}". Fix: create it (createdb -h 127.0.0.1 -p 5432 -U postgres ${missing}), or correct the database name in DATABASE_URL`;

  test.each([[['keys', 'create-operator']], [['migrate', 'status']], [['start']]])(
    '%j stops with what is missing and the createdb line, not a stack or endless retries',
    { timeout: 90_000 },
    async (args) => {
      const result = await gatewayWithin(60_000, env, ...args);
      expect(result.code).toBe(1);
      expect(result.stderr.trim()).toBe(expected);
      expect(result.stdout).not.toMatch(/database not reachable; retrying/);
    },
  );
});
