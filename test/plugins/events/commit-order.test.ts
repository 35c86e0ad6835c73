import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { TestGateway } from '../../../core/testing/create-test-gateway.ts';
import { bootEventsGateway, collect, logIds, placeOrders, SUBSCRIBE_EVENTS } from './support.ts';

/**
 * Concurrent transactions need a server: the embedded database runs one transaction at a time,
 * so there commit order is insertion order and the hazard cannot arise.
 */
describe.skipIf(!process.env.DATABASE_URL)('cursor order is commit order (PostgreSQL)', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await bootEventsGateway();
  });
  afterAll(() => t?.close());

  test('an event written first but committed last comes after the cursor a reader already passed', async () => {
    const { merchantId, key } = await t.createMerchant();
    const stream = collect(t.websocket(key), SUBSCRIBE_EVENTS, { after: '0' });
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let written = () => {};
    const slowWritten = new Promise<void>((resolve) => {
      written = resolve;
    });
    const slow = t.gateway.database.em.fork().transactional(async (tx) => {
      const { id } = await t.gateway.services.events.publish(tx, {
        type: 'order.slow',
        merchantId,
        payload: {},
      });
      written();
      await gate;
      return id;
    });
    await slowWritten;
    const fast = await placeOrders(t, key, merchantId, { count: 1 });
    const [fastEvent] = await stream.until(1);
    expect(fastEvent!.id).toBe(fast.ids![0]);

    release();
    const slowId = await slow;
    const events = await stream.until(2);
    stream.stop();
    expect(events.map((e) => e.id)).toEqual([fast.ids![0], slowId]);
    expect(BigInt(events[1]!.cursor)).toBeGreaterThan(BigInt(fastEvent!.cursor));

    // A client that stored the fast event's cursor and resumes still gets the slow one.
    const resumed = collect(t.websocket(key), SUBSCRIBE_EVENTS, { after: fastEvent!.cursor });
    expect((await resumed.until(1)).map((e) => e.id)).toEqual([slowId]);
    resumed.stop();

    // Insertion order says the opposite: a bigserial cursor would have put the slow event behind the reader.
    const rows = await t.gateway.database.em
      .fork()
      .getConnection()
      .execute<{ id: string }[]>('select id from gateway_event where id in (?, ?) order by insert_order', [
        slowId,
        fast.ids![0],
      ]);
    expect(rows.map((r) => r.id)).toEqual([slowId, fast.ids![0]]);
  });

  test('a client polling the log while transactions of random length commit misses nothing', async () => {
    const { merchantId, key } = await t.createMerchant();
    const events = t.gateway.services.events;
    const principal = { kind: 'merchant' as const, keyId: 'k', merchantId };
    let done = false;
    const polled: string[] = [];
    const poller = (async () => {
      let after = '0';
      for (;;) {
        const finished = done;
        const page = await events.list({ principal }, { after, first: 1000 });
        polled.push(...page.events.map((e) => e.id));
        after = page.endCursor;
        if (finished && page.events.length === 0) return;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    await Promise.all(
      Array.from({ length: 20 }, (_v, i) =>
        t.gateway.database.em.fork().transactional(async (tx) => {
          await events.publish(tx, { type: 'order.placed_raw', merchantId, payload: { i } });
          await new Promise((resolve) => setTimeout(resolve, Math.random() * 60));
          await events.publish(tx, { type: 'order.placed_raw', merchantId, payload: { i, second: true } });
        }),
      ),
    );
    await events.sync();
    done = true;
    await poller;
    const log = await logIds(t, key);
    expect(log).toHaveLength(40);
    expect(polled).toEqual(log);
  });
});
