import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SecretBox } from '../../../core/crypto/secret-box.ts';
import { createGateway, type Gateway } from '../../../core/gateway.ts';
import { createIsolatedDatabase } from '../../../core/testing/isolated-database.ts';
import { eventsPlugin } from '../../../plugins/events/index.ts';
import { paymentsPlugin } from '../../../plugins/payments/index.ts';
import { walletPlugin } from '../../../plugins/wallet/index.ts';
import { TcpProxy } from './tcp-proxy.ts';

/**
 * Issue 17, hole 5: while the database is unreachable, clients got HTTP 500 (or 200 with
 * INTERNAL_SERVER_ERROR) and the event pump logged hundreds of stack traces. The gateway here
 * reaches the shared PostgreSQL server through a proxy the test cuts: the server itself is
 * never stopped.
 */
const serverUrl = process.env.DATABASE_URL;

interface LogLine {
  level: number;
  msg: string;
  err?: { stack?: string };
  foldedLogLines?: number;
}

describe.skipIf(!serverUrl)('a database outage', () => {
  const logs: LogLine[] = [];
  let proxy: TcpProxy;
  let isolated: Awaited<ReturnType<typeof createIsolatedDatabase>>;
  let gateway: Gateway;
  let url: string;
  let operatorKey: string;

  beforeAll(async () => {
    const target = new URL(serverUrl!);
    proxy = new TcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    await proxy.open();
    isolated = await createIsolatedDatabase(serverUrl!);
    const proxied = new URL(isolated.url);
    proxied.host = `127.0.0.1:${proxy.port}`;
    gateway = await createGateway({
      database: { url: proxied.toString(), poolSize: 3 },
      secrets: { masterKey: SecretBox.generateMasterKey() },
      // No principal cache: every request looks its caller up in the database.
      auth: { principalCacheSeconds: 0 },
      log: {
        level: 'info',
        destination: new Writable({
          write(chunk, _encoding, done) {
            for (const line of String(chunk).split('\n').filter(Boolean)) logs.push(JSON.parse(line));
            done();
          },
        }),
      },
      plugins: [
        eventsPlugin.with({ eventBus: { pollIntervalMs: 50 }, webhooks: { pollIntervalMs: 50 } } as never),
        paymentsPlugin.with({ janitor: { intervalSeconds: 1 } }),
        walletPlugin,
      ],
    });
    url = (await gateway.start({ port: 0, host: '127.0.0.1' })).url;
    operatorKey = (await gateway.services.auth.issueOperatorKey(gateway.database.em.fork(), 'outage test'))
      .secret;
  });

  afterAll(async () => {
    await gateway?.close().catch(() => {});
    await proxy?.cut();
    await isolated?.drop();
  });

  const ask = () =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${operatorKey}` },
      body: JSON.stringify({ query: '{ viewer { kind } merchants(first: 1) { edges { cursor } } }' }),
    });

  test('answers 503 DATABASE_UNAVAILABLE with Retry-After, logs it once, and recovers by itself', async () => {
    expect((await ask()).status).toBe(200);
    const before = logs.length;

    await proxy.cut();
    const answers = [];
    for (let i = 0; i < 20; i++) answers.push(await ask());
    for (const response of answers) {
      const text = await response.text();
      expect(response.status, text).toBe(503);
      expect(response.headers.get('retry-after')).toBe('2');
      expect(JSON.parse(text).errors[0].extensions).toMatchObject({
        code: 'DATABASE_UNAVAILABLE',
        retryable: true,
      });
      expect(text).not.toMatch(/ECONNREFUSED|at \S+ \(|node_modules/);
    }
    expect((await fetch(new URL('/ready', url))).status).toBe(503);
    // Let the event pump, the webhook dispatcher and the janitor fail for a while too.
    await new Promise((resolve) => setTimeout(resolve, 1500));

    const during = logs.slice(before);
    const warnings = during.filter((line) => line.level >= 40);
    expect(warnings.map((line) => line.msg)).toEqual([expect.stringMatching(/^database unreachable/)]);
    expect(during.some((line) => line.err?.stack)).toBe(false);

    await proxy.open();
    let status = 0;
    for (let i = 0; i < 100 && status !== 200; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      status = (await ask()).status;
    }
    expect(status).toBe(200);
    for (let i = 0; i < 50 && !logs.some((line) => line.msg === 'database reachable again'); i++)
      await new Promise((resolve) => setTimeout(resolve, 100));
    const back = logs.filter((line) => line.msg === 'database reachable again');
    expect(back).toHaveLength(1);
    expect(back[0]!.foldedLogLines).toBeGreaterThan(0);
  });
});
