import { type ChildProcess, spawn } from 'node:child_process';
import type { GatewayConfig } from '../config.ts';
import { createGateway } from '../gateway.ts';
import type { InstalledPlugin } from '../plugin.ts';
import { HttpGraphQLClient } from './graphql-clients.ts';

/**
 * A gateway in a process of its own, for tests that need several on one database (what one
 * process changes, another must see). The test starts a fixture script with
 * `startGatewayProcess`; the script calls `serveGatewayProcess` with its plugins.
 */

/** What the test passes to the script: the database, the master key, and what the script reads. */
export interface GatewayProcessConfig {
  databaseUrl: string;
  masterKey: string;
  limits?: GatewayConfig['limits'];
  [option: string]: unknown;
}

export interface GatewayChild {
  url: string;
  /** An operator key of that process's database. */
  operator: HttpGraphQLClient;
  child: ChildProcess;
}

/**
 * In a fixture script: boots a gateway on the database in GATEWAY_TEST_CONFIG with the given
 * plugins (made from that config), prints `{ url, operatorKey }` on one line, closes on SIGTERM.
 */
export async function serveGatewayProcess(
  plugins: (config: GatewayProcessConfig) => readonly InstalledPlugin[],
  options: { poolSize?: number } = {},
): Promise<void> {
  const config = JSON.parse(process.env.GATEWAY_TEST_CONFIG ?? '{}') as GatewayProcessConfig;
  const gateway = await createGateway({
    database: { url: config.databaseUrl, poolSize: options.poolSize ?? 2 },
    secrets: { masterKey: config.masterKey },
    log: { level: 'warn' },
    limits: config.limits,
    plugins: plugins(config),
  });
  const { url } = await gateway.start({ port: 0, host: '127.0.0.1' });
  const { secret } = await gateway.services.auth.issueOperatorKey(gateway.database.em.fork(), 'process');
  process.stdout.write(`${JSON.stringify({ url, operatorKey: secret })}\n`);
  process.once('SIGTERM', () => {
    void gateway.close().finally(() => process.exit(0));
  });
}

/**
 * Starts `script` (which calls `serveGatewayProcess`) with `config`; resolves once it listens.
 * Its stop (SIGTERM, then its exit) is pushed onto `cleanups`.
 */
export function startGatewayProcess(
  script: string,
  config: GatewayProcessConfig,
  cleanups: (() => Promise<void>)[],
): Promise<GatewayChild> {
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, GATEWAY_TEST_CONFIG: JSON.stringify(config) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  cleanups.push(async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  });
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += String(chunk);
  });
  return new Promise((resolve, reject) => {
    let stdout = '';
    child.stdout?.on('data', (chunk) => {
      stdout += String(chunk);
      const line = stdout.split('\n')[0];
      if (!stdout.includes('\n') || !line) return;
      const { url, operatorKey } = JSON.parse(line) as { url: string; operatorKey: string };
      resolve({ url, operator: new HttpGraphQLClient(url, operatorKey), child });
    });
    child.once('exit', (code) => reject(new Error(`gateway process exited (${code}): ${stderr}`)));
  });
}
