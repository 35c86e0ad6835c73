import { afterAll, beforeAll, expect, test } from 'vitest';
import { createTestGateway, type TestGateway } from '../../core/testing/create-test-gateway.ts';

let t: TestGateway;
beforeAll(async () => {
  t = await createTestGateway();
});
afterAll(() => t?.close());

const linesOf = (requestId: string) => t.logs.filter((line) => line.includes(`"requestId":"${requestId}"`));

async function post(requestId: string, body: unknown, token?: string): Promise<Response> {
  const response = await fetch(t.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-request-id': requestId,
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });
  await response.text();
  return response;
}

/** The access line is written when the response finishes, which may be just after the client has read it. */
async function accessLine(requestId: string): Promise<Record<string, unknown>> {
  await expect.poll(() => linesOf(requestId).filter((l) => l.includes('"msg":"request"')).length).toBe(1);
  return JSON.parse(linesOf(requestId).find((l) => l.includes('"msg":"request"'))!);
}

test('one access line per request: method, path, operation, status, duration, principal kind', async () => {
  await post('access-1', { query: 'query Who { viewer { kind } }' });
  const line = await accessLine('access-1');
  expect(line).toMatchObject({
    level: 30,
    requestId: 'access-1',
    method: 'POST',
    path: '/graphql',
    operation: 'Who',
    operationType: 'query',
    status: 200,
    principal: 'anonymous',
  });
  expect(line.durationMs).toEqual(expect.any(Number));
});

test('the access line never carries variables, tokens or a phone number, by POST or GET', async () => {
  const phone = '01012345678';
  await post(
    'access-2',
    {
      query: 'mutation Shop($name: String!) { createMerchant(name: $name) { ... on Merchant { id } } }',
      variables: { name: phone },
    },
    t.operatorKey,
  );
  const line = await accessLine('access-2');
  expect(line).toMatchObject({
    operation: 'Shop',
    operationType: 'mutation',
    principal: 'operator',
    status: 200,
  });

  const url = new URL(t.url);
  url.searchParams.set('query', 'query Named($n: String) { viewer { kind } }');
  url.searchParams.set('variables', JSON.stringify({ n: '01099998888' }));
  await (await fetch(url, { headers: { 'x-request-id': 'access-3', accept: 'application/json' } })).text();
  const get = await accessLine('access-3');
  expect(get).toMatchObject({ method: 'GET', path: '/graphql', operation: 'Named' });

  const all = t.logs.join('\n');
  for (const leaked of [phone, '01099998888', t.operatorKey]) expect(all).not.toContain(leaked);
});

test('a request refused before execution still gets its line, without a principal it never had', async () => {
  await post('access-4', { query: '{ viewer { kind } }' }, 'gw_op_not-a-real-key');
  const line = await accessLine('access-4');
  expect(line).toMatchObject({ method: 'POST', path: '/graphql', status: expect.any(Number) });
  expect(line.principal).toBeUndefined();
  expect(t.logs.join('\n')).not.toContain('gw_op_not-a-real-key');
});

test('no log line repeats the requestId key', () => {
  for (const line of t.logs) expect(line.match(/"requestId":/g)?.length ?? 0, line).toBeLessThanOrEqual(1);
});
