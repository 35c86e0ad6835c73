import fc from 'fast-check';
import { expect, test } from 'vitest';
import { BUILT_IN_RULES } from '../../../plugins/fraud/built-in-rules.ts';
import { FraudReplay, type ReplayAttempt, type ReplayDecision } from '../../../plugins/fraud/fraud-replay.ts';
import { compileRule } from '../../../plugins/fraud/fraud-rules.ts';
import { InMemoryFeatureStore } from '../../../plugins/fraud/in-memory-feature-store.ts';
import { loadRiskModel } from '../../../plugins/fraud/risk-model.ts';

/**
 * The replay decides each attempt from the ones before it only: whatever comes after an attempt
 * (any number of later attempts, sharing any keys) never changes its decision.
 */
const RULES = BUILT_IN_RULES.map(compileRule);
const CASH = ['gift_card', 'prepaid', 'game'];
const MODEL = loadRiskModel();
const START = Date.UTC(2026, 9, 1);

const stepArb = fc.record({
  gapSeconds: fc.constantFrom(0, 5, 60, 600, 3_600, 86_400),
  customer: fc.integer({ min: 0, max: 4 }),
  ageHours: fc.constantFrom(1, 30, 5_000),
  device: fc.option(fc.integer({ min: 0, max: 2 })),
  ip: fc.option(fc.integer({ min: 0, max: 2 })),
  recipient: fc.option(fc.integer({ min: 0, max: 1 })),
  amount: fc.constantFrom(10_000, 50_000, 100_000),
  category: fc.constantFrom('gift_card', 'game', 'physical_goods'),
});

type Step = typeof stepArb extends fc.Arbitrary<infer T> ? T : never;

function attempts(steps: readonly Step[]): ReplayAttempt[] {
  let at = START;
  return steps.map((s, n) => {
    at += s.gapSeconds * 1000;
    return {
      id: `a${n}`,
      ts: new Date(at).toISOString(),
      merchantId: 'm1',
      merchantCategory: s.category,
      customerId: `c${s.customer}`,
      customerCreatedAt: new Date(START - s.ageHours * 3_600_000).toISOString(),
      jurisdiction: 'KR',
      currency: 'KRW',
      amount: s.amount,
      method: 'carrier_billing',
      instrument: `phone${s.customer}`,
      deviceId: s.device === null ? null : `d${s.device}`,
      ip: s.ip === null ? null : `10.0.0.${s.ip}`,
      recipient: s.recipient === null ? null : `r${s.recipient}`,
    };
  });
}

async function replay(input: readonly ReplayAttempt[]): Promise<ReplayDecision[]> {
  const r = new FraudReplay(RULES, MODEL, CASH);
  const out: ReplayDecision[] = [];
  for (const a of input) out.push(await r.decideLine(JSON.stringify(a)));
  return out;
}

test('appending later attempts never changes an earlier decision', async () => {
  let flagged = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.array(stepArb, { minLength: 1, maxLength: 40 }),
      fc.array(stepArb, { maxLength: 40 }),
      async (before, after) => {
        const all = attempts([...before, ...after]);
        const alone = await replay(all.slice(0, before.length));
        const followed = await replay(all);
        expect(followed.slice(0, before.length)).toEqual(alone);
        flagged += followed.filter((d) => d.decision !== 'allow').length;
      },
    ),
    { numRuns: 150 },
  );
  // The property is not vacuous: the rules do fire on these attempts.
  expect(flagged).toBeGreaterThan(0);
});

test('the in-memory store forgets keys unused for a week: its memory follows the week, not the file', async () => {
  let now = new Date(START);
  const store = new InMemoryFeatureStore({ now: () => now, customerSince: () => null, cashCategories: CASH });
  let most = 0;
  // One attempt an hour for 60 days, each with keys never seen again.
  for (let hour = 0; hour < 60 * 24; hour++) {
    now = new Date(START + hour * 3_600_000);
    await store.record({
      id: `${hour}`,
      paymentId: `${hour}`,
      merchantId: 'm',
      customerId: `c${hour}`,
      method: 'card',
      amount: 1_000n,
      currency: 'KRW',
      category: 'game',
      device: `d${hour}`,
      ip: null,
      instrument: `i${hour}`,
      recipient: null,
      recipientSealed: null,
    });
    most = Math.max(most, store.keys);
  }
  // Three keys an attempt, kept while the attempt is in the 7-day window: at most a week of hours.
  expect(most).toBe(3 * 7 * 24);
});
