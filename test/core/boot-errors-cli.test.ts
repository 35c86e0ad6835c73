import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { promisify } from 'node:util';
import { expect, test } from 'vitest';

const run = promisify(execFile);

/** The CLI as an operator runs it; resolves with the exit code and both streams. */
const gateway = (env: Record<string, string>, ...args: string[]) =>
  run(process.execPath, ['core/cli/gateway.ts', ...args], {
    env: { ...process.env, GATEWAY_MASTER_KEY: '', LOG_FORMAT: 'json', ...env },
  }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );

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
