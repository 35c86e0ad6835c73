import { afterAll, beforeAll, expect, test } from 'vitest';
import { query } from '../../../core/db/sql.ts';
import type { TestGateway } from '../../../core/testing/create-test-gateway.ts';
import { bootFraudGateway, card, customer, fraudMerchant, type Paid, pay } from './support.ts';

/**
 * Velocity counts under concurrency: attempts sharing a key are counted one after the other
 * (advisory locks in fraud_attempt_windows), so a limit of N lets exactly N through however many
 * arrive at once. On PostgreSQL (DATABASE_URL) the requests run on several connections.
 */
let t: TestGateway;
beforeAll(async () => {
  t = await bootFraudGateway();
});
afterAll(() => t?.close());

test('twelve attempts at once from one device: exactly three get through a limit of three', async () => {
  const shop = await fraudMerchant(t, 'gift_card', 'Busy shop');
  await t.operator.data('mutation($i: FraudRuleInput!) { createFraudRule(input: $i) { __typename } }', {
    i: {
      merchantId: shop.merchantId,
      name: 'device limit',
      action: 'block',
      expression: 'device.count_10m > 3',
      reason: 'more than 3 payments from this device in 10 minutes',
    },
  });
  // Different customers, one device: the count that matters is the device's, across customers.
  const buyers = await Promise.all(Array.from({ length: 12 }, () => customer(shop.client)));
  const answers: Paid[] = await Promise.all(
    buyers.map((buyer, i) => pay(shop.client, card(buyer, 1_000 + i, { deviceId: 'shared-phone' }))),
  );
  const captured = answers.filter((a) => a.status === 'captured');
  const blocked = answers.filter((a) => a.__typename === 'PaymentBlockedError');
  expect(captured).toHaveLength(3);
  expect(blocked).toHaveLength(9);

  // Each attempt saw its own place in the sequence: the device counts are 1..12, none twice.
  const { fraudDecisions } = await shop.client.data<{ fraudDecisions: { decision: string }[] }>(
    '{ fraudDecisions(first: 50) { decision } }',
  );
  expect(fraudDecisions).toHaveLength(12);
  const counts = await query<{ n: number }>(
    t.gateway.database.orm.em.fork(),
    "select (features -> 'device' ->> 'count_10m')::int as n from fraud_attempt where merchant_id = ? order by 1",
    [shop.merchantId],
  );
  expect(counts.map((r) => Number(r.n))).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
});

test('an attempt is stored with its decision, in one commit: no reader ever sees one undecided', async () => {
  const shop = await fraudMerchant(t, 'digital_content', 'Watched shop');
  const buyers = await Promise.all(Array.from({ length: 12 }, () => customer(shop.client)));
  const em = t.gateway.database.orm.em.fork();
  let paying = true;
  const undecided: number[] = [];
  // Reads on their own connection while the payments are decided (one after another on PGlite).
  const watching = (async () => {
    while (paying) {
      const [row] = await query<{ n: number }>(
        em,
        'select count(*)::int as n from fraud_attempt where merchant_id = ? and decision is null',
        [shop.merchantId],
      );
      undecided.push(Number(row!.n));
      // Leaves the (single, on PGlite) connection to the payments between reads.
      await new Promise((resolve) => setImmediate(resolve));
    }
  })();
  const answers = await Promise.all(
    buyers.map((buyer, i) => pay(shop.client, card(buyer, 1_000 + i, { deviceId: 'watched-phone' }))),
  );
  paying = false;
  await watching;
  expect(answers.filter((a) => a.status === 'captured')).toHaveLength(12);
  expect(undecided.length).toBeGreaterThan(0);
  expect(undecided.every((n) => n === 0)).toBe(true);
  const [stored] = await query<{ n: number }>(
    em,
    'select count(*)::int as n from fraud_attempt where merchant_id = ? and decision is not null',
    [shop.merchantId],
  );
  expect(Number(stored!.n)).toBe(12);
});
