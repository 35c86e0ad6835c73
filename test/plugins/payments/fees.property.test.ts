import fc from 'fast-check';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { parseMinorDecimalToMicros } from '../../../core/plugin-api.ts';
import type { TestGateway } from '../../../core/testing/create-test-gateway.ts';
import { walletPlugin } from '../../../plugins/wallet/index.ts';
import { createFakeAcquirer } from './fake-acquirer.ts';
import { feeState, setPricing } from './fees-support.ts';
import {
  bootPayments,
  CREATE_PAYMENT,
  createCustomer,
  fundedWallet,
  ledgerIsSound,
  mutate,
  REFUND,
} from './support.ts';

const M = 1_000_000n;
const SETTLE = `mutation($end: DateTime!) {
  runSettlement(periodEnd: $end) { ... on SettlementRun { payouts { merchantId amount { amount } fees { amount } } } }
}`;

let t: TestGateway;
const network = createFakeAcquirer();
beforeAll(async () => {
  t = await bootPayments([network.plugin, walletPlugin]);
});
afterAll(() => t?.close());

const pricing = fc
  .record({
    fixed: fc.integer({ min: 0, max: 3 }),
    basisPoints: fc.integer({ min: 0, max: 2000 }),
    minimum: fc.option(fc.integer({ min: 0, max: 5 }), { nil: null }),
    aboveMinimum: fc.option(fc.integer({ min: 0, max: 40 }), { nil: null }),
    onRefund: fc.constantFrom('return' as const, 'keep' as const),
  })
  .map((p) => ({
    ...p,
    maximum: p.aboveMinimum === null ? null : (p.minimum ?? 0) + p.aboveMinimum,
  }));
type Pricing = typeof pricing extends fc.Arbitrary<infer P> ? P : never;

const step = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant('wallet' as const), amount: fc.integer({ min: 1, max: 300 }) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('card' as const), amount: fc.integer({ min: 1, max: 300 }) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('refund' as const),
      pick: fc.nat(),
      percent: fc.integer({ min: 1, max: 100 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('usage' as const), quantity: fc.integer({ min: 1, max: 200 }) }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('charge' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('settle' as const) }) },
);
/** Unit prices of the metered usage, in minor units: sub-minor ones accrue before a charge can take them. */
const unitPrice = fc.constantFrom('0.000001', '0.1', '0.37', '1');
const METER = `__typename ... on UsageMeter { id billed { amount } fees } ... on Error { message }`;

/** The pricing's fee, written again from the docs: fixed + basis points, within min and max, at most the amount. */
function expectedFee(amount: bigint, p: Pricing): bigint {
  let fee = BigInt(p.fixed) * M + amount * BigInt(p.basisPoints) * 100n;
  if (fee < BigInt(p.minimum ?? 0) * M) fee = BigInt(p.minimum ?? 0) * M;
  if (p.maximum !== null && fee > BigInt(p.maximum) * M) fee = BigInt(p.maximum) * M;
  return fee > amount * M ? amount * M : fee;
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 3));

test('fees + payouts + balances = what customers paid (payments and metered usage), to the millionth of a minor unit', {
  timeout: 600_000,
}, async () => {
  await fc.assert(
    fc.asyncProperty(
      pricing,
      unitPrice,
      fc.array(step, { minLength: 1, maxLength: 10 }),
      async (terms, price, steps) => {
        const { merchantId, client } = await t.createMerchant('Property shop');
        for (const method of ['wallet', 'test-card']) {
          await setPricing(t.operator, {
            merchantId,
            method,
            fixed: String(terms.fixed),
            basisPoints: terms.basisPoints,
            minimum: terms.minimum === null ? null : String(terms.minimum),
            maximum: terms.maximum === null ? null : String(terms.maximum),
            onRefund: terms.onRefund,
          });
        }
        const holder = await fundedWallet(client, 5_000n);
        const customerId = await createCustomer(client);
        // Metered usage, charged from a wallet of its own under the wallet's pricing.
        const user = await fundedWallet(client, 5_000n);
        const meter = (await mutate(
          client,
          `mutation($input: CreateUsageMeterInput!) { createUsageMeter(input: $input) { ${METER} } }`,
          {
            input: {
              customerId: user.customerId,
              unitPrice: price,
              currency: 'KRW',
              method: 'wallet',
              sourceId: user.walletId,
            },
          },
        )) as unknown as { id: string };
        let billed = 0n;
        let usageFees = 0n;
        const payments: { id: string; captured: bigint; refunded: bigint }[] = [];
        let paidOut = 0n;
        let feesPaidOut = 0n;
        for (const s of steps) {
          if (s.kind === 'wallet' || s.kind === 'card') {
            const result = await mutate(client, CREATE_PAYMENT, {
              input: {
                ...(s.kind === 'wallet'
                  ? { customerId: holder.customerId, method: 'wallet', sourceId: holder.walletId }
                  : { customerId, method: 'test-card', sourceId: 'approve' }),
                amount: { amount: String(s.amount), currency: 'KRW' },
              },
            });
            expect(result.status).toBe('captured');
            payments.push({ id: result.id, captured: BigInt(s.amount), refunded: 0n });
          } else if (s.kind === 'usage') {
            await mutate(
              client,
              'mutation($id: ID!, $q: Int!) { recordUsage(meterId: $id, quantity: $q) { __typename } }',
              {
                id: meter.id,
                q: s.quantity,
              },
            );
          } else if (s.kind === 'charge') {
            const charged = (await mutate(
              client,
              `mutation($id: ID!) { chargeUsageMeter(meterId: $id) { ${METER} } }`,
              { id: meter.id },
            )) as unknown as { billed: { amount: string }; fees: string };
            const now = BigInt(charged.billed.amount);
            if (now > billed) usageFees += expectedFee(now - billed, terms);
            billed = now;
            expect(parseMinorDecimalToMicros(charged.fees)).toBe(usageFees);
          } else if (s.kind === 'refund') {
            const open = payments.filter((p) => p.refunded < p.captured);
            if (open.length === 0) continue;
            const p = open[s.pick % open.length]!;
            const left = p.captured - p.refunded;
            const amount = (left * BigInt(s.percent)) / 100n || 1n;
            const result = await mutate(client, REFUND, {
              id: p.id,
              amount: { amount: amount.toString(), currency: 'KRW' },
            });
            expect(result.status).toMatch(/refunded$/);
            p.refunded += amount;
          } else {
            await tick();
            const end = new Date();
            await tick();
            const { runSettlement } = await t.operator.data<{
              runSettlement: {
                payouts: { merchantId: string; amount: { amount: string }; fees: { amount: string } }[];
              };
            }>(SETTLE, { end: end.toISOString() });
            for (const payout of runSettlement.payouts.filter((x) => x.merchantId === merchantId)) {
              paidOut += BigInt(payout.amount.amount);
              feesPaidOut += BigInt(payout.fees.amount);
            }
          }
        }

        let expectedMicros = 0n;
        for (const p of payments) {
          const fee = expectedFee(p.captured, terms);
          const returned = terms.onRefund === 'return' ? (fee * p.refunded) / p.captured : 0n;
          expectedMicros += fee - returned;
          const { payment } = await client.data<{ payment: { fee: string } }>(
            'query($id: ID!) { payment(id: $id) { ... on Payment { fee } } }',
            { id: p.id },
          );
          expect(parseMinorDecimalToMicros(payment.fee)).toBe(fee - returned);
        }
        expectedMicros += usageFees;
        const customersPaid = payments.reduce((sum, p) => sum + p.captured - p.refunded, 0n) + billed;
        const state = await feeState(t, merchantId);
        // The fees account took `posted` whole units; the merchant still owes what is carried.
        expect(state.posted * M + state.carriedMicros).toBe(expectedMicros);
        expect(customersPaid * M).toBe(
          state.posted * M + state.carriedMicros + paidOut * M + (state.payable * M - state.carriedMicros),
        );
        expect(customersPaid).toBe(paidOut + state.payable + state.posted);
        // Each payout shows exactly the fee lines it took (a fee returned later is in a later one).
        expect(feesPaidOut).toBe(state.paidOutFees);
      },
    ),
    { numRuns: 15 },
  );
  expect(await ledgerIsSound(t)).toMatchObject({ ok: true, problems: [] });
});
