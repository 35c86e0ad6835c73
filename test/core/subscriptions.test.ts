import { afterAll, beforeAll, expect, test } from 'vitest';
import { createTestGateway, type TestGateway } from '../../core/testing/create-test-gateway.ts';

let t: TestGateway;
beforeAll(async () => {
  t = await createTestGateway();
});
afterAll(() => t?.close());

const HEARTBEAT = 'subscription { heartbeat(everySeconds: 1) { sequence at } }';

test('graphql-ws: a subscription streams results on the GraphQL endpoint', async () => {
  const client = t.websocket(t.operatorKey);
  const beats: number[] = [];
  for await (const result of client.iterate<{ heartbeat: { sequence: number; at: string } }>({
    query: HEARTBEAT,
  })) {
    expect(Date.parse(result.data!.heartbeat.at)).not.toBeNaN();
    beats.push(result.data!.heartbeat.sequence);
    if (beats.length === 2) break;
  }
  expect(beats).toEqual([1, 2]);
});

test('graphql-ws: connection params carry the credential into the context', async () => {
  const { key, merchantId } = await t.createMerchant('ws merchant');
  const client = t.websocket(key);
  const result = await client
    .iterate<{ viewer: { kind: string; merchantId: string } }>({
      query: '{ viewer { kind merchantId } }',
    })
    .next();
  expect(result.value.data).toEqual({ viewer: { kind: 'merchant', merchantId } });
});

test('graphql-ws: a bad credential closes the socket with 4403, before any operation runs', async () => {
  const client = t.websocket('gw_mk_forged');
  await expect(client.iterate({ query: HEARTBEAT }).next()).rejects.toMatchObject({ code: 4403 });
});

test('graphql-ws: validation errors come back as errors, the socket stays usable', async () => {
  const client = t.websocket();
  await expect(client.iterate({ query: 'subscription { nothing }' }).next()).rejects.toEqual([
    expect.objectContaining({ message: expect.stringContaining('Cannot query field "nothing"') }),
  ]);
  const ok = await client.iterate<{ viewer: { kind: string } }>({ query: '{ viewer { kind } }' }).next();
  expect(ok.value.data).toEqual({ viewer: { kind: 'anonymous' } });
});

test('SSE: the same subscription over Server-Sent Events', async () => {
  const abort = new AbortController();
  const beats: number[] = [];
  for await (const result of t.anonymous.sse<{ heartbeat: { sequence: number } }>(
    HEARTBEAT,
    undefined,
    abort.signal,
  )) {
    beats.push(result.data!.heartbeat.sequence);
    if (beats.length === 2) break;
  }
  abort.abort();
  expect(beats).toEqual([1, 2]);
});
