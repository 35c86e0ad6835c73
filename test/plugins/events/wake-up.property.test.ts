import fc from 'fast-check';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { TestGateway } from '../../../core/testing/create-test-gateway.ts';
import { bootEventsGateway, collect, placeOrders, SUBSCRIBE_EVENTS } from './support.ts';

/**
 * Producers never notify: a process learns of new events from its own commits (TypeScript
 * publishes) and from the probe (events written in SQL, as database triggers write them). With
 * the periodic read a minute away, those two must bring every committed event, in commit order,
 * and nothing that rolled back, whatever the mix.
 */
let t: TestGateway;
beforeAll(async () => {
  t = await bootEventsGateway({ eventBus: { pollIntervalMs: 60_000 } });
});
afterAll(() => t?.close());

const transaction = fc.record({
  count: fc.integer({ min: 1, max: 3 }),
  asTrigger: fc.boolean(),
  fail: fc.boolean(),
});

test('any mix of published, trigger-written and rolled-back transactions reaches a live subscriber exactly as committed', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(transaction, { minLength: 1, maxLength: 6 }), async (transactions) => {
      const { merchantId, key } = await t.createMerchant();
      const stream = collect(t.websocket(key), SUBSCRIBE_EVENTS, { after: '0' });
      try {
        const committed: string[] = [];
        for (const options of transactions) {
          const placed = await placeOrders(t, key, merchantId, options);
          if (options.fail) expect(placed.ids).toBeUndefined();
          else committed.push(...placed.ids!);
        }
        // A last committed event: once it is in, anything that rolled back would have come before it.
        const sentinel = (await placeOrders(t, key, merchantId, { asTrigger: true })).ids!;
        const received = await stream.until(committed.length + 1, 5000);
        expect(received.map((e) => e.id)).toEqual([...committed, ...sentinel]);
        expect(stream.errors).toEqual([]);
      } finally {
        stream.stop();
      }
    }),
    { numRuns: 12 },
  );
});
