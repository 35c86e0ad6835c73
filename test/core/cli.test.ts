import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, expect, test } from 'vitest';

const run = promisify(execFile);
const dataDir = mkdtempSync(join(tmpdir(), 'gateway-cli-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

// The CLI as an operator runs it: a child process on the project's Node, the embedded database in a folder.
const gateway = (...args: string[]) =>
  run(process.execPath, ['core/cli/gateway.ts', ...args], {
    env: { ...process.env, DATABASE_URL: '', GATEWAY_DATA_DIR: dataDir, GATEWAY_MASTER_KEY: '' },
  });

test('plugins lists the kernel and every installed plugin with version, requires and options', async () => {
  const { stdout } = await gateway('plugins');
  expect(stdout).toMatch(/^auth@1\.0\.0 \(kernel\)$/m);
  expect(stdout).toContain('requires: -');
});

test('schema print writes the SDL', async () => {
  const { stdout } = await gateway('schema', 'print', '--out', '-');
  expect(stdout).toContain('type Query {');
  expect(stdout).toContain('viewer: Viewer!');
});

test('migrate up, migrate status, then an operator key that works', { timeout: 120_000 }, async () => {
  const up = await gateway('migrate', 'up');
  expect(up.stdout).toContain('auth/0001-auth-tables');
  const again = await gateway('migrate', 'up');
  expect(again.stdout).toContain('nothing to apply');
  const status = await gateway('migrate', 'status');
  expect(status.stdout).toMatch(/pending \(0\):/);
  const key = await gateway('keys', 'create-operator', '--label', 'first');
  expect(key.stdout).toMatch(/^gw_op_[A-Za-z0-9_-]{43}$/m);
  expect(key.stdout).toContain('shown once');
});

test('an unknown command prints the usage and exits 2', async () => {
  await expect(gateway('frobnicate')).rejects.toMatchObject({
    code: 2,
    stderr: expect.stringContaining('Usage:'),
  });
});

test('a broken config stops with the one-line fix, not a stack trace', async () => {
  await expect(gateway('plugins', '--config', 'does-not-exist.ts')).rejects.toMatchObject({
    code: 1,
    stderr: expect.stringMatching(/^no config at .*does-not-exist\.ts\. Fix: run from the project folder/),
  });
});
