import { SecretBox } from '../core/crypto/secret-box.ts';
import { createGateway } from '../core/gateway.ts';
import config from '../yoga.config.ts';
import { benchExportPlugin } from './bench-export.plugin.ts';
import { benchFundingPlugin } from './bench-funding.plugin.ts';

/**
 * The gateway under test, in its own process (one process, as the target says), with every
 * plugin of yoga.config.ts plus a funding method for top-ups. Prints its URL and an operator
 * key as one JSON line once it is ready.
 */
const databaseUrl = process.env.BENCH_DATABASE_URL;
if (!databaseUrl) throw new Error('BENCH_DATABASE_URL is not set');
const gateway = await createGateway({
  ...config,
  database: { url: databaseUrl, poolSize: Number(process.env.BENCH_POOL_SIZE ?? 20) },
  secrets: { masterKey: SecretBox.generateMasterKey() },
  // Loopback only: events-bench reads the gateway's own /metrics on the GraphQL port.
  http: { ...config.http, graphiql: false, metrics: 'public' },
  log: { level: 'warn' },
  plugins: [...config.plugins, benchFundingPlugin, benchExportPlugin],
});
const { url } = await gateway.start({ port: 0, host: '127.0.0.1' });
const { secret } = await gateway.services.auth.issueOperatorKey(gateway.database.em.fork(), 'bench');
process.stdout.write(`${JSON.stringify({ url, operatorKey: secret })}\n`);
process.on('SIGTERM', () => {
  gateway.close().then(() => process.exit(0));
});
if (process.env.BENCH_MEMORY_LOG === '1') {
  setInterval(() => {
    const m = process.memoryUsage();
    const mb = (n: number) => Math.round(n / 1e6);
    process.stderr.write(
      `mem rss ${mb(m.rss)} heap ${mb(m.heapUsed)}/${mb(m.heapTotal)} external ${mb(m.external)} buffers ${mb(m.arrayBuffers)}\n`,
    );
  }, 1000).unref();
}
