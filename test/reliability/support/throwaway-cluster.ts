import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { freePort } from './gateway-process.ts';

/**
 * A PostgreSQL cluster of the suite's own (`pg_createcluster`, trust auth on 127.0.0.1), so that
 * restarting it under load disturbs no one else using the machine's server. Dropped by `drop()`;
 * clusters left by a run that was killed are dropped by the next run (their owner pid is gone).
 */
export interface ThrowawayCluster {
  readonly name: string;
  readonly port: number;
  /** postgres://postgres@127.0.0.1:<port>/<database> */
  url(database?: string): string;
  createDatabase(name: string): Promise<string>;
  /** `pg_ctlcluster stop -m immediate`: every backend dies at once, as in a crash. */
  stopImmediately(): void;
  start(): Promise<void>;
  /** The server's own log (it is scanned for secrets too). */
  serverLog(): string;
  drop(): void;
}

const PREFIX = 'reliability_';

const version = () => readdirSync('/etc/postgresql').sort().at(-1)!;
const run = (command: string, args: string[]) =>
  execFileSync(command, args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
const ctl = (name: string, ...args: string[]) =>
  run('pg_ctlcluster', ['--skip-systemctl-redirect', version(), name, ...args]);

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Clusters of earlier runs whose process died without dropping them. */
function dropStale(): void {
  const dir = `/etc/postgresql/${version()}`;
  for (const name of readdirSync(dir)) {
    const owner = Number(name.slice(PREFIX.length));
    if (name.startsWith(PREFIX) && !pidAlive(owner)) {
      try {
        run('pg_dropcluster', ['--stop', version(), name]);
      } catch {}
    }
  }
}

export async function waitForServer(url: string, seconds = 60): Promise<void> {
  for (const until = Date.now() + seconds * 1000; ; ) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
    try {
      await client.connect();
      await client.query('select 1');
      return;
    } catch (error) {
      if (Date.now() > until) throw error;
      await sleep(200);
    } finally {
      await client.end().catch(() => {});
    }
  }
}

export async function createThrowawayCluster(): Promise<ThrowawayCluster> {
  if (process.getuid?.() !== 0) {
    throw new Error(
      'the reliability suite creates its own PostgreSQL cluster with pg_createcluster: run it as root',
    );
  }
  dropStale();
  const name = `${PREFIX}${process.pid}`;
  const port = await freePort();
  run('pg_createcluster', [
    version(),
    name,
    '--port',
    String(port),
    '--start-conf',
    'manual',
    '-o',
    'max_connections=200',
    '--',
    '--auth=trust',
    '--no-sync',
  ]);
  const cluster = clusterHandle(name, port);
  try {
    await cluster.start();
  } catch (error) {
    cluster.drop();
    throw error;
  }
  return cluster;
}

/** The cluster named `name`, created by `createThrowawayCluster` (possibly in another process). */
export function clusterHandle(name: string, port: number): ThrowawayCluster {
  const url = (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`;
  const start = async () => {
    ctl(name, 'start');
    await waitForServer(url());
  };
  return {
    name,
    port,
    url,
    async createDatabase(database) {
      const client = new pg.Client({ connectionString: url() });
      await client.connect();
      try {
        await client.query(`create database "${database}"`);
      } finally {
        await client.end();
      }
      return url(database);
    },
    stopImmediately: () => ctl(name, 'stop', '-m', 'immediate'),
    start,
    serverLog: () => {
      try {
        return readFileSync(`/var/log/postgresql/postgresql-${version()}-${name}.log`, 'utf8');
      } catch {
        return '';
      }
    },
    drop: () => {
      try {
        run('pg_dropcluster', ['--stop', version(), name]);
      } catch (error) {
        process.stderr.write(`could not drop cluster ${name}: ${(error as Error).message}\n`);
      }
    },
  };
}
