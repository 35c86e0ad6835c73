import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { TestGateway } from '../../../core/testing/create-test-gateway.ts';
import { bootEventsGateway, placeOrders } from './support.ts';

/**
 * A NOTIFY in the producer's transaction takes PostgreSQL's global notify lock at commit and
 * holds it through the WAL flush, serializing every payment's commit (BENCHMARKS.md). So
 * producers never notify; the sequencer pass sends one NOTIFY for its whole batch.
 */
describe.skipIf(!process.env.DATABASE_URL)(
  'NOTIFY once per sequencer pass, never from producers (PostgreSQL)',
  () => {
    let t: TestGateway;
    let listener: pg.Client;
    const notifications: string[] = [];
    beforeAll(async () => {
      // No probe and no poll within the test: only an explicit sync sequences.
      t = await bootEventsGateway({ eventBus: { pollIntervalMs: 60_000, probeIntervalMs: 60_000 } });
      listener = new pg.Client({ connectionString: t.gateway.database.orm.config.get('clientUrl') });
      await listener.connect();
      listener.on('notification', (message) => notifications.push(message.channel));
      await listener.query('listen gateway_events');
    });
    afterAll(async () => {
      await listener?.end();
      await t?.close();
    });

    test('committed producer transactions send nothing; the pass that sequences them sends one', async () => {
      const { merchantId, key } = await t.createMerchant();
      await t.gateway.services.events.sync();
      const before = notifications.length;
      await Promise.all(
        Array.from({ length: 5 }, () => placeOrders(t, key, merchantId, { count: 2, asTrigger: true })),
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(notifications.length).toBe(before);

      await t.gateway.services.events.sync();
      while (notifications.length === before) await new Promise((resolve) => setTimeout(resolve, 10));
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(notifications.length - before).toBe(1);

      // A pass with nothing to sequence sends nothing.
      await t.gateway.services.events.sync();
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(notifications.length - before).toBe(1);
    });
  },
);
