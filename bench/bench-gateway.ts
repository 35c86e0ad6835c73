import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { createIsolatedDatabase } from '../core/testing/isolated-database.ts';

/** The gateway a bench measures, once it is ready. */
export interface BenchGateway {
  readonly url: string;
  readonly operatorKey: string;
  /** Its own database on the bench's server, dropped after the run. */
  readonly databaseUrl: string;
  readonly pid: number;
}

/**
 * The gateway under test (bench/gateway-server.ts) in a process of its own, on a fresh database
 * of the server at `serverUrl`, with BENCH_GATEWAY_NODE_ARGS as its Node flags (e.g.
 * `--cpu-prof`). `use` runs once it is ready; whatever happens, the process is stopped and the
 * database dropped.
 */
export async function withBenchGateway<T>(
  serverUrl: string,
  use: (gateway: BenchGateway) => Promise<T>,
): Promise<T> {
  const database = await createIsolatedDatabase(serverUrl);
  const nodeArgs = process.env.BENCH_GATEWAY_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...nodeArgs, 'bench/gateway-server.ts'], {
    env: { ...process.env, BENCH_DATABASE_URL: database.url },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout! }).once('line', resolve);
      child.once('exit', (code) => reject(new Error(`the gateway exited (${code}) before it was ready`)));
    });
    const { url, operatorKey } = JSON.parse(line) as { url: string; operatorKey: string };
    return await use({ url, operatorKey, databaseUrl: database.url, pid: child.pid! });
  } finally {
    child.kill('SIGTERM');
    await exited;
    await database.drop();
  }
}

/** A bench's entry point: exits with `main`'s code, or 1 with the error's stack on stderr. */
export function runBench(main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${(error as Error).stack}\n`);
      process.exit(1);
    },
  );
}
