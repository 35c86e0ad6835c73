import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { query } from '../../../core/plugin-api.ts';
import type { TestGateway } from '../../../core/testing/create-test-gateway.ts';
import { InMemoryFeatureStore } from '../../../plugins/fraud/in-memory-feature-store.ts';
import { PgFeatureStore } from '../../../plugins/fraud/pg-feature-store.ts';
import { type AttemptFacts, riskFeatures, storedFeatures } from '../../../plugins/fraud/risk-features.ts';
import { bootFraudGateway, customer } from './support.ts';

/**
 * The in-memory store (for an offline replay) and the live PostgreSQL store answer the same
 * features for the same attempts in the same order: the replay runs the gateway's feature code.
 * Every feature is compared (storedFeatures: the payment's facts, the account's age, and every
 * velocity feature of every key and window), with attempts spread over more than a week, so that
 * attempts leave each window, and values leave the distinct counts, as they do in a replay.
 */
const CASH = ['gift_card', 'game'];
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const WINDOW_SPANS = [10 * MINUTE, HOUR, DAY, 7 * DAY];

let t: TestGateway;
/** Real customers (the live store reads their account's age), with accounts of several ages. */
let customers: { id: string; since: Date }[];
const sql = <T extends object>(text: string, params: unknown[] = []) =>
  query<T>(t.gateway.database.orm.em.fork(), text, params);

beforeAll(async () => {
  t = await bootFraudGateway();
  const shop = await t.createMerchant('Agreement shop');
  const ages = [30 * MINUTE, 20 * HOUR, 3 * DAY, 400 * DAY];
  customers = [];
  for (const age of ages) {
    const id = await customer(shop.client);
    const since = new Date(Date.now() - age);
    await sql('update customer set created_at = ? where id = ?', [since.toISOString(), id]);
    customers.push({ id, since });
  }
}, 180_000);
afterAll(() => t?.close());

const attemptArb = fc.record({
  customer: fc.integer({ min: 0, max: 3 }),
  device: fc.option(fc.integer({ min: 0, max: 2 })),
  ip: fc.option(fc.integer({ min: 0, max: 2 })),
  instrument: fc.integer({ min: 0, max: 2 }),
  recipient: fc.option(fc.integer({ min: 0, max: 2 })),
  amount: fc.constantFrom(0n, 1_000n, 5_000n, 10_000n, 50_000n),
  currency: fc.constantFrom('KRW', 'USD'),
  // null: the store takes the merchant's category ('other' for a merchant without one).
  category: fc.constantFrom('gift_card', 'game', 'physical_goods', null),
});
type Attempt = typeof attemptArb extends fc.Arbitrary<infer A> ? A : never;

/** How long before the first live attempt: anywhere in 9 days, and around each window's edge. */
const agoArb = fc.oneof(
  fc.integer({ min: 0, max: 9 * DAY }),
  fc.constantFrom(...WINDOW_SPANS).chain((span) => fc.integer({ min: span - 5_000, max: span + 5_000 })),
  fc.integer({ min: 0, max: 10_000 }),
);

function factsOf(a: Attempt, run: string): AttemptFacts {
  const key = (kind: string, n: number | null) => (n === null ? null : `${run}:${kind}:${n}`);
  const id = randomUUID();
  return {
    id,
    paymentId: id,
    merchantId: randomUUID(),
    customerId: customers[a.customer]!.id,
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
}

/** The past attempts straight into the live store's table, as PgFeatureStore.store inserts them. */
async function insertPast(past: readonly { facts: AttemptFacts; at: Date }[]): Promise<void> {
  if (past.length === 0) return;
  const rows = past.map(({ facts, at }) => {
    const category = facts.category ?? 'other';
    return {
      id: facts.id,
      payment_id: facts.paymentId,
      merchant_id: facts.merchantId,
      customer_id: facts.customerId,
      method: facts.method,
      amount: facts.amount.toString(),
      currency: facts.currency,
      category,
      cash_equivalent: CASH.includes(category),
      device_index: facts.device,
      ip_index: facts.ip,
      instrument_index: facts.instrument,
      recipient_index: facts.recipient,
      created_at: at.toISOString(),
    };
  });
  await sql(
    `insert into fraud_attempt (id, payment_id, merchant_id, customer_id, method, amount, currency, category,
       cash_equivalent, device_index, ip_index, instrument_index, recipient_index, created_at)
     select * from jsonb_to_recordset(?::jsonb) as r(id uuid, payment_id uuid, merchant_id uuid, customer_id uuid,
       method text, amount bigint, currency text, category text, cash_equivalent boolean, device_index text,
       ip_index text, instrument_index text, recipient_index text, created_at timestamptz)`,
    [JSON.stringify(rows)],
  );
}

test('for any attempts over more than a week, then any attempts now, both stores give every feature alike', {
  timeout: 300_000,
}, async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.tuple(agoArb, attemptArb), { maxLength: 40 }),
      fc.array(attemptArb, { minLength: 1, maxLength: 8 }),
      async (pastArb, nowArb) => {
        // Fresh device, IP, instrument and recipient keys per run, and no earlier run's attempts
        // of these customers: the database keeps every run's rows.
        const run = randomUUID();
        await sql('delete from fraud_attempt where customer_id in (?)', [customers.map((c) => c.id)]);
        // The live store's clock: its own time, read from the database, so the past is placed
        // exactly; the in-memory store then takes each attempt's time from the live store.
        const [clock] = await sql<{ now: Date | string }>('select clock_timestamp() as now');
        const start = new Date(clock!.now).getTime();
        const past = [...pastArb]
          .sort(([a], [b]) => b - a)
          .map(([ago, a]) => ({ facts: factsOf(a, run), at: new Date(start - ago) }));
        let now = new Date(0);
        const memory = new InMemoryFeatureStore({
          now: () => now,
          customerSince: (id) => customers.find((c) => c.id === id)?.since ?? null,
          cashCategories: CASH,
        });
        for (const { facts, at } of past) {
          now = at;
          await memory.record(facts);
        }
        await insertPast(past);
        for (const a of nowArb) {
          const facts = factsOf(a, run);
          const fromLive = await t.gateway.database.orm.em.fork().transactional(async (tx) => {
            // As FraudDecider does: the windows, then the attempt stored with a decision.
            const live = new PgFeatureStore(tx, CASH);
            const recorded = await live.windows(facts);
            const features = riskFeatures(facts, recorded);
            await live.store(
              facts,
              recorded,
              { decision: 'allow', score: 0, reasons: [], matched: [] },
              features,
            );
            return recorded;
          });
          now = fromLive.at;
          const fromMemory = await memory.record(facts);
          expect(storedFeatures(riskFeatures(facts, fromMemory))).toEqual(
            storedFeatures(riskFeatures(facts, fromLive)),
          );
        }
      },
    ),
    { numRuns: 40 },
  );
});

test('the in-memory windows slide with the attempts’ own times, an attempt exactly a span old out', async () => {
  let now = new Date('2026-11-30T00:00:00Z');
  const memory = new InMemoryFeatureStore({
    now: () => now,
    customerSince: () => null,
    cashCategories: CASH,
  });
  const facts = (id: string, device: string): AttemptFacts => ({
    id,
    paymentId: id,
    merchantId: 'm',
    customerId: `c-${id}`,
    method: 'wallet',
    amount: 1_000n,
    currency: 'KRW',
    category: 'gift_card',
    device,
    ip: null,
    instrument: `i-${id}`,
    recipient: null,
    recipientSealed: null,
  });
  const at = async (ms: number, id: string, device = 'd') => {
    now = new Date(ms);
    const f = facts(id, device);
    return riskFeatures(f, await memory.record(f)).device;
  };
  const start = now.getTime();
  await at(start, 'a');
  await at(start + MINUTE, 'b');
  // Exactly 10 minutes after a: a is out of the 10-minute window (the live store's `created_at >`).
  const c = await at(start + 10 * MINUTE, 'c');
  expect(c.get('count_10m')).toBe(2n);
  expect(c.get('customers_10m')).toBe(2n);
  expect(c.get('count_1h')).toBe(3n);
  expect(c.get('same_amount_1h')).toBe(3n);
  // a's customer comes back on the device: counted again in the 10-minute window it had left.
  const a = await at(start + 10 * MINUTE + 1, 'a');
  expect(a.get('customers_10m')).toBe(3n);
  expect(a.get('customers_1h')).toBe(3n);
  // A week after the last one: only itself, and the keys of the week before are gone.
  const d = await at(start + 10 * MINUTE + 1 + 7 * DAY, 'd');
  expect(d.get('count_7d')).toBe(1n);
  expect(d.get('customers_7d')).toBe(1n);
  expect(memory.keys).toBe(3);
});
