import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, expect, test } from 'vitest';

// The README's quick start, as a newcomer types it: its first ```sh block (after `npm install`,
// which CI has done), then its curl block with the printed key, each line run by bash in the
// repository, on a fresh embedded database and a free port. Every `# {...}` comment under a
// command is the answer it must print (`...` stands for what differs per run, like an id).

const root = new URL('../..', import.meta.url).pathname;
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const quickStart = readme.slice(
  readme.indexOf('## Quick start'),
  readme.indexOf('### With a PostgreSQL server'),
);
const [setup, curls] = [...quickStart.matchAll(/```sh\n([\s\S]*?)```/g)].map(([, block]) => block!);
const sh = promisify(execFile);

const dataDir = mkdtempSync(join(tmpdir(), 'readme-quick-start-'));
let server: ChildProcess | undefined;
afterAll(async () => {
  // npm start runs the gateway as a grandchild: stop the whole process group, and wait for it.
  if (server?.pid) {
    const exited = new Promise((resolve) => server!.once('exit', resolve));
    process.kill(-server.pid, 'SIGTERM');
    await exited;
  }
  rmSync(dataDir, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => probe.once('listening', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** The command lines of a block, without comments, joined across trailing backslashes. */
function commands(block: string): string[] {
  return block
    .replaceAll(/\\\n\s*/g, '')
    .split('\n')
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter((line) => line && !line.startsWith('#'));
}

/** `# {...}` lines: what the command before them prints, with `...` (and the hex digits before it) matching anything. */
function expectedAnswers(block: string): RegExp[] {
  return [...block.matchAll(/^# (\{.*\})$/gm)].map(
    ([, json]) =>
      new RegExp(
        `^${json!
          .split(/[0-9a-f-]*\.\.\./)
          .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
          .join('.*')}$`,
      ),
  );
}

test('the README quick start works exactly as written', { timeout: 240_000 }, async () => {
  const port = await freePort();
  // The quick start is the embedded database's, whichever database the suite runs on.
  const { DATABASE_URL: _server, ...inherited } = process.env;
  const env = { ...inherited, GATEWAY_DATA_DIR: dataDir, PORT: String(port), LOG_FORMAT: 'json' };
  const [install, createKey, start] = commands(setup!);
  expect(install).toBe('npm install');
  expect(start).toBe('npm start');

  const { stdout } = await sh('bash', ['-c', createKey!], { cwd: root, env, timeout: 120_000 });
  const key = stdout.match(/gw_op_\S+/)?.[0];
  expect(key, stdout).toBeDefined();

  server = spawn('bash', ['-c', start!], { cwd: root, env, stdio: 'ignore', detached: true });
  const origin = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 240; i++) {
    const ready = await fetch(`${origin}/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }

  const lines = commands(curls!).map((line) => line.replaceAll('localhost:4000', `localhost:${port}`));
  const [assignKey, ...requests] = lines;
  expect(assignKey).toBe('KEY=gw_op_...');
  const answers = expectedAnswers(curls!);
  expect(answers).toHaveLength(requests.length);
  for (const [i, request] of requests.entries()) {
    const { stdout: answer } = await sh('bash', ['-c', `KEY=${key}; ${request}`], {
      cwd: root,
      env,
      timeout: 30_000,
    });
    expect(answer.trim()).toMatch(answers[i]!);
  }
});
