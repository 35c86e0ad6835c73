import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { BootError } from '../../../core/boot-error.ts';
import type { GatewayConfig } from '../../../core/config.ts';
import { SecretBox } from '../../../core/crypto/secret-box.ts';
import { createGateway, type Gateway } from '../../../core/gateway.ts';
import { createTestGateway, type TestGateway } from '../../../core/testing/create-test-gateway.ts';
import { freshClusterSnapshot } from '../../../core/testing/pglite-snapshot.ts';

/** Issue 17 hole 9: what an operator gets without configuring anything, and what they can set. */
let plain: TestGateway;
let configured: TestGateway;
beforeAll(async () => {
  plain = await createTestGateway();
  configured = await createTestGateway({
    config: {
      http: { cors: { origins: ['https://shop.example', 'https://admin.example'] }, metrics: { port: 0 } },
    },
  });
}, 180_000);
afterAll(async () => {
  await plain?.close();
  await configured?.close();
});

/** A gateway's configuration with nothing about HTTP in it. */
async function bare(): Promise<GatewayConfig> {
  return {
    database: { dataDir: 'memory://', embeddedSnapshot: await freshClusterSnapshot() },
    secrets: { masterKey: SecretBox.generateMasterKey() },
    log: { level: 'silent' },
    plugins: [],
  };
}

const preflight = (url: string, origin: string) =>
  fetch(url, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization, content-type',
    },
  });

describe('bind address', () => {
  test('without a host the gateway listens on loopback only', async () => {
    const gateway: Gateway = await createGateway(await bare());
    try {
      const started = await gateway.start({ port: 0 });
      expect(started.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/graphql$/);
      expect(gateway.server.address()).toMatchObject({ address: '127.0.0.1' });
    } finally {
      await gateway.close();
    }
  });
});

describe('/metrics', () => {
  test('is not on the public port by default', async () => {
    const response = await fetch(`${plain.origin}/metrics`);
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain('gateway_http_requests_total');
  });

  test('is served on its own loopback listener when configured, and not on the public port', async () => {
    expect((await fetch(`${configured.origin}/metrics`)).status).toBe(404);
    const url = configured.logs
      .map((line) => JSON.parse(line) as { metrics?: string })
      .find((line) => line.metrics)?.metrics;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    await configured.anonymous.request('{ viewer { kind } }');
    const text = await (await fetch(url!)).text();
    expect(text).toMatch(/gateway_http_requests_total\{route="graphql",method="POST",status="200"\} [1-9]/);
    expect((await fetch(url!.replace('/metrics', '/graphql'))).status).toBe(404);
  });

  test("'public' keeps the old behaviour for a proxy that hides it", async () => {
    const open = await createTestGateway({ config: { http: { metrics: 'public' } } });
    try {
      expect((await fetch(`${open.origin}/metrics`)).status).toBe(200);
    } finally {
      await open.close();
    }
  });
});

describe('CORS', () => {
  test('by default no origin gets access, and nothing is echoed', async () => {
    const response = await fetch(plain.url, {
      method: 'POST',
      headers: { origin: 'https://evil.example', 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ viewer { kind } }' }),
    });
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    const pre = await preflight(plain.url, 'https://evil.example');
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
  });

  test('configured origins are allowed, one at a time, without credentials; others are not', async () => {
    const pre = await preflight(configured.url, 'https://admin.example');
    expect(pre.headers.get('access-control-allow-origin')).toBe('https://admin.example');
    expect(pre.headers.get('access-control-allow-headers')).toContain('authorization');
    expect(pre.headers.get('access-control-allow-credentials')).toBeNull();
    const post = await fetch(configured.url, {
      method: 'POST',
      headers: { origin: 'https://shop.example', 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ viewer { kind } }' }),
    });
    expect(post.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    expect(post.headers.get('vary')).toContain('Origin');
    const evil = await preflight(configured.url, 'https://evil.example');
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
  });

  test('a malformed origin, or any origin with credentials, is refused at boot', async () => {
    const boot = async (cors: { origins: string[]; credentials?: boolean }) =>
      createGateway({ ...(await bare()), http: { cors } });
    await expect(boot({ origins: ['https://shop.example/'] })).rejects.toThrow(BootError);
    await expect(boot({ origins: ['*'], credentials: true })).rejects.toThrow(/credentials/);
  });
});

describe('security headers', () => {
  test('every answer carries them: API, operational endpoints, errors', async () => {
    const answers = [
      await fetch(plain.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ viewer { kind } }' }),
      }),
      await fetch(`${plain.origin}/health`),
      await fetch(`${plain.origin}/nothing`),
    ];
    for (const response of answers) {
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      expect(response.headers.get('strict-transport-security')).toBe('max-age=31536000');
      expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(response.headers.get('x-powered-by')).toBeNull();
    }
  });

  test('the GraphiQL page gets a policy that lets it run, and loads nothing from elsewhere', async () => {
    const page = await fetch(plain.url, { headers: { accept: 'text/html' } });
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self' 'unsafe-inline' blob:");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toMatch(/https?:/);
    expect(page.headers.get('x-frame-options')).toBe('DENY');
  });
});

describe('idle connections', () => {
  test('a keep-alive connection is kept longer than a load balancer keeps its own (60 s)', async () => {
    // Node's default (5 s) closes idle connections that a proxy or a client about to reuse them
    // still counts as open: the request sent on one is lost ("other side closed"), or a load
    // balancer answers 502. The server must be the side that waits longest.
    const { request } = await import('node:http');
    const keepAlive = await new Promise<string | undefined>((resolve, reject) => {
      const req = request(`${plain.origin}/health`, { headers: { connection: 'keep-alive' } }, (res) => {
        res.resume();
        resolve(res.headers['keep-alive']?.toString());
      });
      req.on('error', reject);
      req.end();
    });
    expect(keepAlive).toBe('timeout=65');
  });
});
