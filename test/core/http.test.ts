import { auditServer } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestGateway, type TestGateway } from '../../core/testing/create-test-gateway.ts';
import { explodingField } from '../support/fixture-plugins.ts';

let t: TestGateway;
beforeAll(async () => {
  t = await createTestGateway({
    plugins: [explodingField],
    config: { http: { bodyLimitBytes: 64 * 1024, metrics: 'public' } },
  });
});
afterAll(() => t?.close());

const post = (body: BodyInit, headers: Record<string, string> = {}) =>
  fetch(t.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

describe('operational endpoints', () => {
  test('/health and /ready answer 200 on a migrated gateway', async () => {
    const health = await fetch(`${t.origin}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${t.origin}/ready`);
    expect(ready.status).toBe(200);
  });

  test('/metrics exposes Prometheus counters that move with traffic', async () => {
    await t.anonymous.request('{ viewer { kind } }');
    await t.anonymous.request('{ nope }');
    const text = await (await fetch(`${t.origin}/metrics`)).text();
    expect(text).toMatch(/gateway_http_requests_total\{route="graphql",method="POST",status="200"\} [1-9]/);
    expect(text).toMatch(/gateway_graphql_errors_total\{code="GRAPHQL_VALIDATION_FAILED"\} [1-9]/);
    expect(text).toContain('gateway_process_cpu_seconds_total');
  });

  test('unknown paths are 404s that point to the GraphQL endpoint', async () => {
    const response = await fetch(`${t.origin}/nothing-here`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: 'not found', graphql: '/graphql' });
  });

  test('every response carries a request id; a sane one from the client is kept', async () => {
    const fresh = await post(JSON.stringify({ query: '{ viewer { kind } }' }));
    expect(fresh.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const kept = await post(JSON.stringify({ query: '{ explode }' }), { 'x-request-id': 'trace-abc-123' });
    expect(kept.headers.get('x-request-id')).toBe('trace-abc-123');
    const forged = await post(JSON.stringify({ query: '{ viewer { kind } }' }), {
      'x-request-id': 'bad id\twith tabs',
    });
    expect(forged.headers.get('x-request-id')).not.toContain('bad');
    const lines = t.logs.map((l) => JSON.parse(l) as { requestId?: string; msg: string });
    expect(lines.find((l) => l.msg === 'unexpected error')?.requestId).toBe('trace-abc-123');
  });
});

describe('GraphQL over HTTP', () => {
  test('the graphql-http audit passes every MUST', async () => {
    const results = await auditServer({ url: t.url });
    const failedMusts = results.filter(
      (r) => r.status === 'error' || (r.status !== 'ok' && r.name.startsWith('MUST')),
    );
    expect(failedMusts.map((r) => `${r.id} ${r.name}: ${r.status !== 'ok' ? r.reason : ''}`)).toEqual([]);
    expect(results.filter((r) => r.name.startsWith('MUST')).length).toBeGreaterThan(10);
  });

  test('GET serves queries, and refuses mutations', async () => {
    const get = await fetch(`${t.url}?query=${encodeURIComponent('{ viewer { kind } }')}`);
    expect(get.status).toBe(200);
    expect(await get.json()).toEqual({ data: { viewer: { kind: 'anonymous' } } });
    const mutation = await fetch(
      `${t.url}?query=${encodeURIComponent('mutation { createMerchant(name: "x") { __typename } }')}`,
      {
        headers: { accept: 'application/graphql-response+json' },
      },
    );
    expect(mutation.status).toBe(405);
  });

  test('GraphiQL is served to browsers', async () => {
    const page = await fetch(t.url, { headers: { accept: 'text/html' } });
    expect(await page.text()).toContain('GraphiQL');
  });
});

describe('bad input gets a stable code, no stack trace, and the server keeps serving', () => {
  const expectNoInternals = (body: string) => {
    expect(body).not.toMatch(/at \S+ \(|node_modules|\.ts:\d+|stack|hunter2|\/srv\/secret/);
  };

  test('malformed JSON', async () => {
    const response = await post('{"query": "{ viewer { kind } }"');
    const text = await response.text();
    expect(response.status).toBe(400);
    expect(JSON.parse(text).errors[0].extensions.code).toBe('BAD_REQUEST');
    expectNoInternals(text);
  });

  test('a syntax error', async () => {
    const result = await t.anonymous.request('{ viewer { kind }');
    expect(result.status).toBe(400);
    expect(result.errors?.[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
  });

  test('an unknown field', async () => {
    const result = await t.anonymous.request('{ viewer { shoeSize } }');
    expect(result.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  test('an unknown operation name', async () => {
    const result = await t.anonymous.request('query A { viewer { kind } }', undefined, {
      operationName: 'B',
    });
    expect(result.errors?.[0]?.extensions?.code).toBe('OPERATION_RESOLUTION_FAILURE');
    expect(result.data ?? null).toBeNull();
  });

  test('bad variables', async () => {
    const result = await t.anonymous.request('query($v: Int!) { echo(value: $v) }', { v: 'seven' });
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.message).toContain('$v');
  });

  test('a body over the limit, declared', async () => {
    const response = await post(JSON.stringify({ query: `{ viewer { kind } } # ${'x'.repeat(70 * 1024)}` }));
    expect(response.status).toBe(413);
    expect((await response.json()).errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
  });

  test('a body over the limit, streamed without a length', async () => {
    const chunk = new TextEncoder().encode(' '.repeat(16 * 1024));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 8) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const response = await fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
    expect((await response.json()).errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
  });

  test('a resolver crash is masked as INTERNAL_SERVER_ERROR and logged with its stack', async () => {
    const response = await post(JSON.stringify({ query: '{ explode }' }));
    const text = await response.text();
    const body = JSON.parse(text);
    expect(body.errors[0]).toMatchObject({
      message: 'Unexpected error.',
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
    expectNoInternals(text);
    expect(t.logs.some((line) => line.includes('"msg":"unexpected error"') && line.includes('"stack"'))).toBe(
      true,
    );
  });

  test('an unknown credential is refused, not treated as anonymous', async () => {
    const result = await t.http('gw_op_notarealkey').request('{ viewer { kind } }');
    expect(result.status).toBe(401);
    expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  test('after all that, the same server still answers', async () => {
    expect(await t.anonymous.data('{ viewer { kind } }')).toEqual({ viewer: { kind: 'anonymous' } });
  });
});
