import { randomBytes } from 'node:crypto';
import { createConnection } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { TestGateway } from '../../../core/testing/create-test-gateway.ts';
import { bootEventsGateway, collect, placeOrders, SUBSCRIBE_EVENTS } from './support.ts';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

async function reachable(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = createConnection({ host: hostname, port: Number(port || 6379) });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe.skipIf(!(await reachable(redisUrl)))('Redis event bus', () => {
  const channel = `gw_test_${randomBytes(4).toString('hex')}`;
  let t: TestGateway;
  let listener: Redis;
  const announcements: string[] = [];
  beforeAll(async () => {
    // Polling once a minute: only the bus can bring an event within the test's few seconds.
    t = await bootEventsGateway({ eventBus: { redisUrl, redisChannel: channel, pollIntervalMs: 60_000 } });
    listener = new Redis(redisUrl);
    listener.on('message', (_channel: string, message: string) => announcements.push(message));
    await listener.subscribe(channel);
  });
  afterAll(async () => {
    listener?.disconnect();
    await t?.close();
  });

  test('the producing process wakes on its own commit and announces on Redis; rolled back, nothing', async () => {
    const { merchantId, key } = await t.createMerchant();
    const stream = collect(t.websocket(key), SUBSCRIBE_EVENTS, { after: '0' });
    const placed = await placeOrders(t, key, merchantId, { count: 2 });
    expect((await stream.until(2, 5000)).map((e) => e.id)).toEqual(placed.ids);
    expect(announcements.length).toBeGreaterThan(0);

    const before = announcements.length;
    await placeOrders(t, key, merchantId, { fail: true });
    const after = await placeOrders(t, key, merchantId, { count: 1 });
    expect((await stream.until(3, 5000)).map((e) => e.id)).toEqual([...placed.ids!, ...after.ids!]);
    stream.stop();
    // One announcement per sequencing pass that found events; the rolled-back one found none.
    while (announcements.length === before) await new Promise((resolve) => setTimeout(resolve, 20));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(announcements.length - before).toBe(1);
  });

  test('events written by database triggers are found by the probe and announced', async () => {
    const { merchantId, key } = await t.createMerchant();
    const stream = collect(t.websocket(key), SUBSCRIBE_EVENTS, { after: '0' });
    const before = announcements.length;
    const placed = await placeOrders(t, key, merchantId, { count: 2, asTrigger: true });
    expect((await stream.until(2, 5000)).map((e) => e.id)).toEqual(placed.ids);
    stream.stop();
    // The local subscriber may get the events before the announcement makes the round trip to Redis.
    await expect.poll(() => announcements.length, { timeout: 5000 }).toBeGreaterThan(before);
  });
});
