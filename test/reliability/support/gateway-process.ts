import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { SecretBox } from '../../../core/crypto/secret-box.ts';

const CLI = 'core/cli/gateway.ts';
export const CONFIG = 'test/reliability/support/reliability.config.ts';

export interface GatewayEnv {
  databaseUrl: string;
  masterKey: string;
  port: number;
  logLevel?: string;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function gatewayEnv(databaseUrl: string, logLevel = 'info'): Promise<GatewayEnv> {
  return { databaseUrl, masterKey: SecretBox.generateMasterKey(), port: await freePort(), logLevel };
}

function childEnv(env: GatewayEnv): NodeJS.ProcessEnv {
  const { REDIS_URL: _redis, ...rest } = process.env;
  return {
    ...rest,
    DATABASE_URL: env.databaseUrl,
    GATEWAY_MASTER_KEY: env.masterKey,
    PORT: String(env.port),
    LOG_LEVEL: env.logLevel ?? 'info',
  };
}

/** `gateway <args> --config <suite config>` as an operator runs it; its exit code and output. */
export async function runCli(
  env: GatewayEnv,
  args: string[],
  config = CONFIG,
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [CLI, ...args, '--config', config],
      {
        env: childEnv(env),
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? 1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

/** `keys create-operator`: the secret it prints once. */
export async function createOperatorKey(env: GatewayEnv, config = CONFIG): Promise<string> {
  const { code, stdout, stderr } = await runCli(
    env,
    ['keys', 'create-operator', '--label', 'reliability'],
    config,
  );
  const secret = /gw_op_\S+/.exec(stdout)?.[0];
  if (code !== 0 || !secret) throw new Error(`keys create-operator failed (${code}): ${stderr}`);
  return secret;
}

/**
 * The gateway as a real process (`gateway start`), restartable on the same port. Every line it
 * writes (stdout and stderr, across restarts) is kept for the log scans.
 */
export class GatewayProcess {
  readonly env: GatewayEnv;
  readonly lines: string[] = [];
  readonly origin: string;
  readonly url: string;
  #child: ChildProcess | undefined;
  #exits = 0;
  readonly #inspect: boolean;
  readonly #config: string;

  /**
   * `inspect`: with the V8 inspector on a free loopback port (see `inspectorUrl`). `config`: a
   * config file of the test's own instead of this suite's.
   */
  constructor(env: GatewayEnv, options: { inspect?: boolean; config?: string } = {}) {
    this.env = env;
    this.#inspect = options.inspect ?? false;
    this.#config = options.config ?? CONFIG;
    this.origin = `http://127.0.0.1:${env.port}`;
    this.url = `${this.origin}/graphql`;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** Unexpected exits (not by `kill`/`stop`). */
  get unexpectedExits(): number {
    return this.#exits;
  }

  start(): void {
    const inspect = this.#inspect ? ['--inspect=127.0.0.1:0'] : [];
    const child = spawn(process.execPath, [...inspect, CLI, 'start', '--config', this.#config], {
      env: childEnv(this.env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let partial = '';
    const collect = (chunk: Buffer) => {
      const text = partial + chunk.toString('utf8');
      const parts = text.split('\n');
      partial = parts.pop() ?? '';
      this.lines.push(...parts.filter(Boolean));
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.once('exit', (_code, signal) => {
      if (partial) this.lines.push(partial);
      if (this.#child === child && signal !== 'SIGKILL' && signal !== 'SIGTERM') this.#exits++;
    });
    this.#child = child;
  }

  /** Resolves once /ready answers 200; the seconds it took. */
  async waitReady(timeoutSeconds = 60): Promise<number> {
    const started = Date.now();
    while (Date.now() - started < timeoutSeconds * 1000) {
      if ((await this.readyStatus()) === 200) return (Date.now() - started) / 1000;
      if (this.#child?.exitCode != null)
        throw new Error(`the gateway exited: ${this.lines.slice(-5).join('\n')}`);
      await sleep(100);
    }
    throw new Error(
      `the gateway was not ready within ${timeoutSeconds}s: ${this.lines.slice(-5).join('\n')}`,
    );
  }

  async readyStatus(): Promise<number> {
    try {
      const response = await fetch(`${this.origin}/ready`, { signal: AbortSignal.timeout(3000) });
      await response.arrayBuffer();
      return response.status;
    } catch {
      return 0;
    }
  }

  /** GET /health with a liveness timeout; null if it did not answer in time. */
  async health(timeoutMs = 5000): Promise<number | null> {
    try {
      const response = await fetch(`${this.origin}/health`, { signal: AbortSignal.timeout(timeoutMs) });
      await response.arrayBuffer();
      return response.status;
    } catch {
      return null;
    }
  }

  get alive(): boolean {
    return this.#child !== undefined && this.#child.exitCode === null && this.#child.signalCode === null;
  }

  /** The inspector's WebSocket URL, as the process printed it (started with `inspect`). */
  get inspectorUrl(): string {
    const url = this.lines
      .map((line) => /Debugger listening on (ws:\/\/\S+)/.exec(line)?.[1])
      .findLast(Boolean);
    if (!url) throw new Error('the gateway was not started with the inspector');
    return url;
  }

  /** Resident memory in bytes, from /proc. */
  rss(): number {
    const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
  }

  /** SIGKILL: no shutdown hook runs, as in a crash or an OOM kill. */
  async kill(): Promise<void> {
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  async stop(): Promise<void> {
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}
