import { afterAll, beforeAll, expect, test } from 'vitest';
import type { TestGateway } from '../../../core/testing/create-test-gateway.ts';
import { bootEventsGateway, EVENT_FIELDS, placeOrders, type ReceivedEvent } from './support.ts';

let t: TestGateway;
beforeAll(async () => {
  t = await bootEventsGateway();
});
afterAll(() => t?.close());

async function eventLog(token: string, after?: string) {
  const { events } = await t.http(token).data<{
    events: { events: ReceivedEvent[]; endCursor: string; hasMore: boolean };
  }>(
    `query($after: String) { events(after: $after, first: 1000) { events { ${EVENT_FIELDS} } endCursor hasMore } }`,
    {
      after,
    },
  );
  return events;
}

test('a committed change has its events, in the order they were published, with exact amounts', async () => {
  const { merchantId, key } = await t.createMerchant();
  const placed = await placeOrders(t, key, merchantId, { count: 3 });
  expect(placed.ids).toHaveLength(3);
  await t.gateway.services.events.sync();
  const log = await eventLog(key);
  expect(log.events.map((e) => e.id)).toEqual(placed.ids);
  expect(log.events.map((e) => e.payload)).toEqual([
    expect.objectContaining({ amount: '1000', sequence: 1 }),
    expect.objectContaining({ amount: '2000', sequence: 2 }),
    expect.objectContaining({ amount: '3000', sequence: 3 }),
  ]);
  const cursors = log.events.map((e) => BigInt(e.cursor));
  expect(cursors).toEqual([...cursors].sort((a, b) => (a < b ? -1 : 1)));
  expect(log.events.every((e) => e.merchantId === merchantId && e.type === 'order.placed')).toBe(true);
});

test('a rolled-back change has no event, and neither its rows', async () => {
  const { merchantId, key } = await t.createMerchant();
  const failed = await placeOrders(t, key, merchantId, { count: 2, fail: true });
  expect(failed.error).toMatch(/failed on purpose/);
  const ok = await placeOrders(t, key, merchantId, { count: 1 });
  await t.gateway.services.events.sync();
  const log = await eventLog(key);
  expect(log.events.map((e) => e.id)).toEqual(ok.ids);
  const orders = await t.gateway.database.em
    .fork()
    .getConnection()
    .execute<{ n: number }[]>('select count(*)::int as n from test_order where merchant_id = ?', [
      merchantId,
    ]);
  expect(orders[0]!.n).toBe(1);
});

test('a payload that does not match its declared schema is refused and rolls the change back', async () => {
  const { merchantId, key } = await t.createMerchant();
  // `order.placed` declares its payload; the fixture sends it; a type without a declaration is free-form.
  const free = await placeOrders(t, key, merchantId, { type: 'order.free_form' });
  expect(free.ids).toHaveLength(1);
  const em = t.gateway.database.em.fork();
  await expect(
    em.transactional((tx) =>
      t.gateway.services.events.publish(tx, {
        type: 'order.placed',
        merchantId,
        payload: { orderId: 'nope' },
      }),
    ),
  ).rejects.toThrow(/does not match its schema/);
  await expect(
    em.transactional((tx) =>
      t.gateway.services.events.publish(tx, { type: 'Not A Type', merchantId, payload: {} }),
    ),
  ).rejects.toThrow(/not an event type name/);
  await t.gateway.services.events.sync();
  expect((await eventLog(key)).events.map((e) => e.type)).toEqual(['order.free_form']);
});

test('the query pages through the log with endCursor and sees only the caller’s merchant', async () => {
  const a = await t.createMerchant('A');
  const b = await t.createMerchant('B');
  await placeOrders(t, a.key, a.merchantId, { count: 3 });
  await placeOrders(t, b.key, b.merchantId, { count: 2 });
  await t.gateway.services.events.sync();
  const first = await t
    .http(a.key)
    .data<{ events: { events: ReceivedEvent[]; endCursor: string; hasMore: boolean } }>(
      `{ events(first: 2) { events { ${EVENT_FIELDS} } endCursor hasMore } }`,
    );
  expect(first.events.events).toHaveLength(2);
  expect(first.events.hasMore).toBe(true);
  const rest = await eventLog(a.key, first.events.endCursor);
  expect(rest.events).toHaveLength(1);
  expect(rest.hasMore).toBe(false);
  expect([...first.events.events, ...rest.events].every((e) => e.merchantId === a.merchantId)).toBe(true);
});

test('event types are listed with their payload schema', async () => {
  const { eventTypes } = await t.operator.data<{
    eventTypes: { type: string; payloadSchema: { properties: Record<string, unknown> } | null }[];
  }>('{ eventTypes { type description payloadSchema } }');
  const placed = eventTypes.find((e) => e.type === 'order.placed');
  expect(Object.keys(placed!.payloadSchema!.properties)).toEqual(['orderId', 'amount', 'sequence']);
});
