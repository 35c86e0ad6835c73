import { expect, test } from 'vitest';
import { AttemptGenerator, FRAUD_KINDS } from '../../bench/fraud/attempt-generator.ts';

const FIELDS = [
  'id',
  'ts',
  'merchantId',
  'merchantCategory',
  'customerId',
  'customerCreatedAt',
  'jurisdiction',
  'currency',
  'amount',
  'method',
  'instrument',
  'deviceId',
  'ip',
  'recipient',
];

test('the same seed gives the same attempts and labels; another seed, others', () => {
  const a = new AttemptGenerator(7).generate(3_000);
  const b = new AttemptGenerator(7).generate(3_000);
  const c = new AttemptGenerator(8).generate(3_000);
  expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  expect(JSON.stringify(c.attempts)).not.toBe(JSON.stringify(a.attempts));
});

test('attempts are in time order, carry exactly the replay fields, and every fraud kind is labelled', () => {
  const { attempts, labels } = new AttemptGenerator(3).generate(20_000);
  expect(attempts).toHaveLength(20_000);
  expect(labels.map((l) => l.id)).toEqual(attempts.map((a) => a.id));
  expect(new Set(attempts.map((a) => a.id)).size).toBe(attempts.length);
  for (let i = 1; i < attempts.length; i++) {
    expect(attempts[i]!.ts >= attempts[i - 1]!.ts).toBe(true);
  }
  for (const a of attempts.slice(0, 500)) {
    expect(Object.keys(a)).toEqual(FIELDS);
    expect(Number.isInteger(a.amount) && a.amount > 0).toBe(true);
    expect(['carrier_billing', 'wallet', 'card']).toContain(a.method);
    expect(a.customerCreatedAt <= a.ts).toBe(true);
  }
  const kinds = new Set(labels.filter((l) => l.fraud).map((l) => l.kind));
  expect([...kinds].sort()).toEqual([...FRAUD_KINDS].sort());
  const share = labels.filter((l) => l.fraud).length / labels.length;
  expect(share).toBeGreaterThan(0.02);
  expect(share).toBeLessThan(0.05);
  // The honest overlap the detector must not punish is there too.
  const honest = new Set(labels.filter((l) => !l.fraud).map((l) => l.kind));
  for (const kind of ['household', 'pc_bang', 'bulk_gift', 'traveller']) expect(honest).toContain(kind);
});
