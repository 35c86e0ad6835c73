import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { TestGateway } from '../../../core/testing/create-test-gateway.ts';
import { InMemoryFeatureStore } from '../../../plugins/fraud/in-memory-feature-store.ts';
import { PgFeatureStore } from '../../../plugins/fraud/pg-feature-store.ts';
import { type AttemptFacts, riskFeatures, storedFeatures } from '../../../plugins/fraud/risk-features.ts';
import { bootFraudGateway } from './support.ts';

/**
 * The in-memory store (for an offline replay) and the live PostgreSQL store answer the same
 * features for the same attempts in the same order: the replay runs the gateway's feature code.
 */
const CASH = ['gift_card', 'game'];
let t: TestGateway;
beforeAll(async () => {
  t = await bootFraudGateway();
});
afterAll(() => t?.close());

const attemptArb = fc.record({
  customer: fc.integer({ min: 0, max: 3 }),
  device: fc.option(fc.integer({ min: 0, max: 2 })),
  ip: fc.option(fc.integer({ min: 0, max: 2 })),
  instrument: fc.integer({ min: 0, max: 2 }),
  recipient: fc.option(fc.integer({ min: 0, max: 2 })),
  amount: fc.constantFrom(1_000n, 5_000n, 10_000n, 50_000n),
  currency: fc.constantFrom('KRW', 'USD'),
  category: fc.constantFrom('gift_card', 'game', 'physical_goods'),
});

test('for any sequence of attempts, both stores give the same features', { timeout: 120_000 }, async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(attemptArb, { minLength: 1, maxLength: 25 }), async (attempts) => {
      // Fresh keys per run: the database keeps every run's attempts.
      const run = randomUUID();
      const customers = Array.from({ length: 4 }, () => randomUUID());
      const live = new PgFeatureStore(t.gateway.database.orm.em.fork(), CASH);
      const memory = new InMemoryFeatureStore({
        now: () => new Date(),
        customerSince: () => null,
        cashCategories: CASH,
      });
      const key = (kind: string, n: number | null) => (n === null ? null : `${run}:${kind}:${n}`);
      for (const a of attempts) {
        const facts: AttemptFacts = {
          id: randomUUID(),
          paymentId: randomUUID(),
          merchantId: randomUUID(),
          customerId: customers[a.customer]!,
          method: 'test-card',
          amount: a.amount,
          currency: a.currency,
          category: a.category,
          device: key('device', a.device),
          ip: key('ip', a.ip),
          instrument: key('instrument', a.instrument)!,
          recipient: key('recipient', a.recipient),
          recipientSealed: null,
        };
        const fromLive = storedFeatures(riskFeatures(facts, await live.record(facts)));
        const fromMemory = storedFeatures(riskFeatures(facts, await memory.record(facts)));
        expect(fromMemory).toEqual(fromLive);
      }
    }),
    { numRuns: 15 },
  );
});

test('the in-memory windows slide with the attempts’ own times', async () => {
  let now = new Date('2026-11-30T00:00:00Z');
  const memory = new InMemoryFeatureStore({
    now: () => now,
    customerSince: () => null,
    cashCategories: CASH,
  });
  const facts = (id: string): AttemptFacts => ({
    id,
    paymentId: id,
    merchantId: 'm',
    customerId: 'c',
    method: 'wallet',
    amount: 1_000n,
    currency: 'KRW',
    category: 'gift_card',
    device: null,
    ip: null,
    instrument: 'i',
    recipient: null,
    recipientSealed: null,
  });
  await memory.record(facts('a'));
  now = new Date(now.getTime() + 11 * 60_000);
  const second = riskFeatures(facts('b'), await memory.record(facts('b')));
  expect(second.customer.get('count_10m')).toBe(1n);
  expect(second.customer.get('count_1h')).toBe(2n);
  expect(second.customer.get('same_amount_1h')).toBe(2n);
  now = new Date(now.getTime() + 8 * 86_400_000);
  const third = riskFeatures(facts('c'), await memory.record(facts('c')));
  expect(third.customer.get('count_7d')).toBe(1n);
});
