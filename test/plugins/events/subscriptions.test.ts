import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { TestGateway } from '../../../core/testing/create-test-gateway.ts';
import {
  bootEventsGateway,
  collect,
  createPartner,
  EVENT_FIELDS,
  logIds,
  placeOrders,
  type ReceivedEvent,
  SUBSCRIBE_EVENTS,
} from './support.ts';

let t: TestGateway;
beforeAll(async () => {
  t = await bootEventsGateway();
});
afterAll(() => t?.close());

describe('graphql-ws', () => {
  test('stored events after the cursor, then live ones: in order, no gap, no duplicate at the seam', async () => {
    const { merchantId, key } = await t.createMerchant();
    const stored = await placeOrders(t, key, merchantId, { count: 3 });
    const stream = collect(t.websocket(key), SUBSCRIBE_EVENTS, { after: '0' });
    await stream.until(3);
    const live = await placeOrders(t, key, merchantId, { count: 2 });
    const events = await stream.until(5);
    stream.stop();
    expect(events.map((e) => e.id)).toEqual([...stored.ids!, ...live.ids!]);
    expect(stream.errors).toEqual([]);
  });

  test('disconnect, commit events, reconnect with the last cursor: exactly the missed events, then live', async () => {
    const { merchantId, key } = await t.createMerchant();
    const first = collect(t.websocket(key), SUBSCRIBE_EVENTS, { after: '0' });
    const before = await placeOrders(t, key, merchantId, { count: 2 });
    const seen = await first.until(2);
    first.stop();
    await first.done;
    const lastCursor = seen.at(-1)!.cursor;

    const missed = await placeOrders(t, key, merchantId, { count: 3 });
    const second = collect(t.websocket(key), SUBSCRIBE_EVENTS, { after: lastCursor });
    await second.until(3);
    const live = await placeOrders(t, key, merchantId, { count: 1 });
    const resumed = await second.until(4);
    second.stop();

    expect(seen.map((e) => e.id)).toEqual(before.ids);
    expect(resumed.map((e) => e.id)).toEqual([...missed.ids!, ...live.ids!]);
    expect(await logIds(t, key)).toEqual([...before.ids!, ...missed.ids!, ...live.ids!]);
    const cursors = resumed.map((e) => BigInt(e.cursor));
    expect(cursors.every((c, i) => c > BigInt(lastCursor) && (i === 0 || c > cursors[i - 1]!))).toBe(true);
  });

  test('subscribing while events are being committed: the sequence is exactly the log’s', async () => {
    const { merchantId, key } = await t.createMerchant();
    await placeOrders(t, key, merchantId, { count: 5 });
    // Subscribe (catch-up from 0) while a burst of commits is in flight.
    const burst = Promise.all(Array.from({ length: 6 }, () => placeOrders(t, key, merchantId, { count: 3 })));
    const stream = collect(t.websocket(key), SUBSCRIBE_EVENTS, { after: '0' });
    await burst;
    const events = await stream.until(23);
    await new Promise((resolve) => setTimeout(resolve, 300));
    stream.stop();
    expect(events.map((e) => e.id)).toEqual(await logIds(t, key));
  });

  test('types filter by name and pattern', async () => {
    const { merchantId, key } = await t.createMerchant();
    await placeOrders(t, key, merchantId, { type: 'order.placed' });
    await placeOrders(t, key, merchantId, { type: 'refund.created' });
    await placeOrders(t, key, merchantId, { type: 'order.shipped' });
    const stream = collect(t.websocket(key), SUBSCRIBE_EVENTS, { after: '0', types: ['order.*'] });
    const events = await stream.until(2);
    await new Promise((resolve) => setTimeout(resolve, 200));
    stream.stop();
    expect(events.map((e) => e.type)).toEqual(['order.placed', 'order.shipped']);

    const payments = collect(
      t.websocket(key),
      `subscription { paymentEvents(after: "0") { ${EVENT_FIELDS} } }`,
      {},
    );
    expect((await payments.until(1)).map((e) => e.type)).toEqual(['refund.created']);
    payments.stop();
  });

  test('a partner sees only the merchants that granted it; asking for another is refused', async () => {
    const granted = await t.createMerchant('granted');
    const other = await t.createMerchant('other');
    const partner = await createPartner(t, [granted.merchantId]);
    const stream = collect(t.websocket(partner.key), SUBSCRIBE_EVENTS, { after: '0' });
    await placeOrders(t, other.key, other.merchantId, { count: 2 });
    const mine = await placeOrders(t, granted.key, granted.merchantId, { count: 2 });
    await placeOrders(t, other.key, other.merchantId, { count: 1 });
    const marker = await placeOrders(t, granted.key, granted.merchantId, { count: 1 });
    const events = await stream.until(3);
    stream.stop();
    expect(events.map((e) => e.id)).toEqual([...mine.ids!, ...marker.ids!]);
    expect(new Set(events.map((e) => e.merchantId))).toEqual(new Set([granted.merchantId]));

    const forbidden = collect(t.websocket(partner.key), SUBSCRIBE_EVENTS, {
      merchantIds: [other.merchantId],
    });
    await forbidden.done;
    expect(forbidden.errors).toEqual([
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'FORBIDDEN' }) }),
    ]);

    // The other merchant's own key does not see the granted merchant's events either.
    expect(await logIds(t, other.key)).not.toContain(mine.ids![0]);
  });

  test('customers and anonymous callers cannot subscribe; a bad credential is refused on connect', async () => {
    const anonymous = collect(t.websocket(), SUBSCRIBE_EVENTS, {});
    await anonymous.done;
    expect(anonymous.errors).toEqual([
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'UNAUTHENTICATED' }) }),
    ]);
    const forged = collect(t.websocket('gw_pk_forged'), SUBSCRIBE_EVENTS, {});
    await forged.done;
    expect(forged.errors).toEqual([expect.objectContaining({ code: 4403 })]);
  });

  test('a malformed or future cursor is refused with INVALID_CURSOR', async () => {
    const { key } = await t.createMerchant();
    for (const after of ['abc', '999999999999']) {
      const stream = collect(t.websocket(key), SUBSCRIBE_EVENTS, { after });
      await stream.done;
      expect(stream.errors).toEqual([
        expect.objectContaining({ extensions: expect.objectContaining({ code: 'INVALID_CURSOR' }) }),
      ]);
    }
  });
});

describe('SSE', () => {
  test('the same stream over Server-Sent Events, resumable by cursor', async () => {
    const { merchantId, key } = await t.createMerchant();
    const stored = await placeOrders(t, key, merchantId, { count: 2 });
    const abort = new AbortController();
    const received: ReceivedEvent[] = [];
    let placedLive: string[] = [];
    for await (const result of t
      .http(key)
      .sse<{ events: ReceivedEvent }>(SUBSCRIBE_EVENTS, { after: '0' }, abort.signal)) {
      received.push(result.data!.events);
      if (received.length === 2) placedLive = (await placeOrders(t, key, merchantId, { count: 1 })).ids!;
      if (received.length === 3) break;
    }
    abort.abort();
    expect(received.map((e) => e.id)).toEqual([...stored.ids!, ...placedLive]);
  });
});

describe('slow consumers', () => {
  test('a live consumer that falls further behind than its buffer is told to resume from its cursor', async () => {
    const small = await bootEventsGateway({ subscriptions: { bufferSize: 5 } });
    try {
      const { merchantId, key } = await small.createMerchant();
      const events = small.gateway.services.events;
      const principal = { kind: 'merchant' as const, keyId: 'k', merchantId };
      const stream = await events.stream({ principal }, {});
      const firstPlaced = await placeOrders(small, key, merchantId, { count: 1 });
      await events.sync();
      const first = await stream.next();
      expect((first.value as { id: string }).id).toBe(firstPlaced.ids![0]);
      const waiting = stream.next(); // now live, waiting for the next event
      const burst = await placeOrders(small, key, merchantId, { count: 20 });
      await events.sync();
      expect(((await waiting).value as { id: string }).id).toBe(burst.ids![0]);
      // The consumer read one of the 20; the buffer of 5 overflowed: the stream ends with a resume cursor.
      const end = await stream.next();
      const error = (end.value as { error: { extensions: { code: string; resumeFrom: string } } }).error;
      expect(error.extensions.code).toBe('EVENTS_CONSUMER_TOO_SLOW');
      expect((await stream.next()).done).toBe(true);

      // Resuming from that cursor gets exactly the rest.
      const resumed = await events.stream({ principal }, { after: error.extensions.resumeFrom });
      const rest: string[] = [];
      for (let i = 0; i < 19; i++) rest.push(((await resumed.next()).value as { id: string }).id);
      await resumed.return?.();
      expect(rest).toEqual(burst.ids!.slice(1));
    } finally {
      await small.close();
    }
  });

  test('a tiny buffer: catching up reads the log page by page, and a client that resumes on EVENTS_CONSUMER_TOO_SLOW misses nothing', async () => {
    const small = await bootEventsGateway({ subscriptions: { bufferSize: 3, pageSize: 4 } });
    try {
      const { merchantId, key } = await small.createMerchant();
      const placed = await placeOrders(small, key, merchantId, { count: 25 });
      const received: ReceivedEvent[] = [];
      const follow = (async () => {
        let after = '0';
        while (received.length < 35) {
          const stream = collect(small.websocket(key), SUBSCRIBE_EVENTS, { after });
          await stream.until(35 - received.length);
          stream.stop();
          received.push(...stream.events);
          const error = stream.errors[0] as
            | { extensions?: { code?: string; resumeFrom?: string } }
            | undefined;
          if (error) {
            expect(error.extensions?.code).toBe('EVENTS_CONSUMER_TOO_SLOW');
            expect(error.extensions?.resumeFrom).toBe(received.at(-1)?.cursor ?? after);
          }
          after = received.at(-1)?.cursor ?? after;
        }
      })();
      const more = [];
      for (let i = 0; i < 5; i++)
        more.push(...(await placeOrders(small, key, merchantId, { count: 2 })).ids!);
      await follow;
      expect(received.map((e) => e.id)).toEqual([...placed.ids!, ...more]);
    } finally {
      await small.close();
    }
  });
});

test('with notifications off (poll only) events still arrive: a lost notification only delays', async () => {
  const polling = await bootEventsGateway({ eventBus: { kind: 'poll', pollIntervalMs: 100 } });
  try {
    const { merchantId, key } = await polling.createMerchant();
    const stream = collect(polling.websocket(key), SUBSCRIBE_EVENTS, { after: '0' });
    const placed = await placeOrders(polling, key, merchantId, { count: 3 });
    const events = await stream.until(3);
    stream.stop();
    expect(events.map((e) => e.id)).toEqual(placed.ids);
  } finally {
    await polling.close();
  }
});

test('events written by database triggers arrive without a notification or a poll: the probe finds them', async () => {
  const gateway = await bootEventsGateway({ eventBus: { pollIntervalMs: 60_000 } });
  try {
    const { merchantId, key } = await gateway.createMerchant();
    const stream = collect(gateway.websocket(key), SUBSCRIBE_EVENTS, { after: '0' });
    const placed = await placeOrders(gateway, key, merchantId, { count: 3, asTrigger: true });
    const events = await stream.until(3, 5000);
    stream.stop();
    expect(events.map((e) => e.id)).toEqual(placed.ids);
  } finally {
    await gateway.close();
  }
});
