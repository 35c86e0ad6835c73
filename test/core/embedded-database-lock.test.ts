import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, expect, test } from 'vitest';

const run = promisify(execFile);
const dataDir = mkdtempSync(join(tmpdir(), 'gateway-lock-'));
const env = {
  ...process.env,
  DATABASE_URL: '',
  GATEWAY_DATA_DIR: dataDir,
  GATEWAY_MASTER_KEY: '',
  PORT: '0',
  LOG_FORMAT: 'json',
};
let server: ChildProcess | undefined;
afterAll(() => {
  server?.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

const gateway = (...args: string[]) => run(process.execPath, ['core/cli/gateway.ts', ...args], { env });

/** `npm start` on the folder, resolved once it logs that it is ready. */
function startServer(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['core/cli/gateway.ts', 'start'], { env, stdio: 'pipe' });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += String(chunk);
      if (output.includes('"msg":"ready"')) resolve(child);
    });
    child.stderr.on('data', (chunk) => {
      output += String(chunk);
    });
    child.once('exit', (code) => reject(new Error(`the server exited (${code}) before ready:\n${output}`)));
  });
}

test('while the server holds the embedded database, every other CLI process refuses it and says why', {
  timeout: 180_000,
}, async () => {
  server = await startServer();
  for (const command of [
    ['keys', 'create-operator'],
    ['migrate', 'status'],
    ['migrate', 'up'],
    ['ledger', 'verify'],
  ]) {
    const refused = await gateway(...command).then(
      ({ stdout }) => ({ code: 0, stdout, stderr: '' }),
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    expect(refused.code, command.join(' ')).toBe(1);
    expect(refused.stdout, command.join(' ')).not.toMatch(/gw_op_/);
    expect(refused.stderr).toMatch(
      /^the embedded database in .* is in use by another gateway process\. Fix: stop that process \(Ctrl-C in its terminal\), run this command, then start the gateway again/,
    );
    expect(refused.stderr).not.toMatch(/\n\s+at /);
  }

  const stopped = new Promise((resolve) => server!.once('exit', resolve));
  server.kill('SIGTERM');
  await stopped;
  // Stopped cleanly, the folder is free again.
  const key = await gateway('keys', 'create-operator');
  expect(key.stdout).toMatch(/^gw_op_/m);
});
