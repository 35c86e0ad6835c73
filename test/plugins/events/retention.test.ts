import { afterAll, beforeAll, expect, test } from 'vitest';
import type { TestGateway } from '../../../core/testing/create-test-gateway.ts';
import {
  bootEventsGateway,
  collect,
  EVENT_FIELDS,
  placeOrders,
  type ReceivedEvent,
  SUBSCRIBE_EVENTS,
} from './support.ts';

let t: TestGateway;
beforeAll(async () => {
  t = await bootEventsGateway({ retentionDays: 30 });
});
afterAll(() => t?.close());

test('events older than the retention period are purged; resuming from before the purge is refused with the way on', async () => {
  const { merchantId, key } = await t.createMerchant();
  const placed = await placeOrders(t, key, merchantId, { count: 3 });
  await t.gateway.services.events.sync();
  const em = t.gateway.database.em.fork();
  await em
    .getConnection()
    .execute(
      `update gateway_event set created_at = now() - interval '31 days' where id in (?, ?)`,
      placed.ids!.slice(0, 2),
    );
  await t.gateway.services.events.purgeExpired();

  const { events } = await t
    .http(key)
    .data<{ events: { events: ReceivedEvent[] } }>(`{ events { events { ${EVENT_FIELDS} } } }`);
  expect(events.events.map((e) => e.id)).toEqual([placed.ids![2]]);

  const expired = collect(t.websocket(key), SUBSCRIBE_EVENTS, { after: '0' });
  await expired.done;
  const error = expired.errors[0] as { extensions: { code: string; resumeFrom: string } };
  expect(error.extensions.code).toBe('CURSOR_EXPIRED');

  const resumed = collect(t.websocket(key), SUBSCRIBE_EVENTS, { after: error.extensions.resumeFrom });
  expect((await resumed.until(1)).map((e) => e.id)).toEqual([placed.ids![2]]);
  resumed.stop();
});

test('events within the retention period stay', async () => {
  const { merchantId, key } = await t.createMerchant();
  const placed = await placeOrders(t, key, merchantId, { count: 2 });
  await t.gateway.services.events.sync();
  const em = t.gateway.database.em.fork();
  await em
    .getConnection()
    .execute(`update gateway_event set created_at = now() - interval '29 days' where id = ?`, [
      placed.ids![0],
    ]);
  await t.gateway.services.events.purgeExpired();
  const { events } = await t
    .http(key)
    .data<{ events: { events: { id: string }[] } }>('{ events { events { id } } }');
  expect(events.events.map((e) => e.id)).toEqual(placed.ids);
});
