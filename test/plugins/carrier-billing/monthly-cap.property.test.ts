import fc from 'fast-check';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createTestGateway, type TestGateway } from '../../../core/testing/create-test-gateway.ts';
import { carrierBillingPlugin } from '../../../plugins/carrier-billing/index.ts';
import { paymentsPlugin } from '../../../plugins/payments/index.ts';
import { LimitExceededError } from '../../../plugins/payments/payment-errors.ts';
import { codeFor, krw, methodCall, referenceOf, usageRow, verifiedSource } from './support.ts';

const payments = paymentsPlugin.with({ janitor: { intervalSeconds: 0 } });
const CAP = 100_000n;

let t: TestGateway;
let shop: Awaited<ReturnType<TestGateway['createMerchant']>>;
const method = () => t.gateway.services['carrier-billing'].method;

beforeAll(async () => {
  t = await createTestGateway({ plugins: [payments, carrierBillingPlugin.with({ monthlyCap: CAP })] });
  shop = await t.createMerchant('Property shop');
});
afterAll(() => t?.close());

interface ModelCharge {
  reference: string;
  amount: bigint;
  captured: bigint;
  refunded: bigint;
  voided: boolean;
}

type Command =
  | { kind: 'charge'; amount: bigint }
  | { kind: 'capture' | 'refund'; pick: number; share: number }
  | { kind: 'overCapture' | 'overRefund' | 'void'; pick: number };

const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({
    kind: fc.constant('charge' as const),
    amount: fc.constantFrom(10_000n, 25_000n, 40_000n, 60_000n, 100_000n),
  }),
  fc.record({
    kind: fc.constantFrom('capture' as const, 'refund' as const),
    pick: fc.nat(),
    share: fc.integer({ min: 1, max: 4 }),
  }),
  fc.record({
    kind: fc.constantFrom('overCapture' as const, 'overRefund' as const, 'void' as const),
    pick: fc.nat(),
  }),
);

const follow = (reference: string, amount: bigint) => ({
  ...methodCall(t, shop.merchantId),
  reference,
  amount: krw(amount),
});

/** What the month's usage must be: authorized amounts, less voided remainders and refunds. */
const expectedUsage = (charges: ModelCharge[]) =>
  charges.reduce((sum, c) => sum + c.amount - (c.voided ? c.amount - c.captured : 0n) - c.refunded, 0n);

test('over any sequence of charges, captures, voids and refunds, usage is exact and never exceeds the cap', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 12 }), async (commands) => {
      const { sourceId, phone } = await verifiedSource(t, shop.client);
      const charges: ModelCharge[] = [];
      for (const step of commands) {
        if (step.kind === 'charge') {
          const call = { ...methodCall(t, shop.merchantId), sourceId, amount: krw(step.amount) };
          const fits = expectedUsage(charges) + step.amount <= CAP;
          const outcome = await method()
            .authorize(call)
            .then(async (started) => {
              expect(started.status).toBe('action_required');
              const code = await codeFor(t, phone, referenceOf(started));
              return method().confirmAction!(follow(referenceOf(started), step.amount), code);
            })
            .catch((error: unknown) => {
              expect(error).toBeInstanceOf(LimitExceededError);
              return null;
            });
          expect(outcome?.status ?? 'refused').toBe(fits ? 'approved' : 'refused');
          if (outcome?.status === 'approved')
            charges.push({
              reference: referenceOf(outcome),
              amount: step.amount,
              captured: 0n,
              refunded: 0n,
              voided: false,
            });
        } else if (charges.length > 0) {
          const c = charges[step.pick % charges.length]!;
          const capturable = c.voided ? 0n : c.amount - c.captured;
          const refundable = c.captured - c.refunded;
          if (step.kind === 'capture' && capturable > 0n) {
            const amount = (capturable + BigInt(step.share) - 1n) / BigInt(step.share);
            expect(await method().capture(follow(c.reference, amount))).toMatchObject({ status: 'approved' });
            c.captured += amount;
          } else if (step.kind === 'refund' && refundable > 0n) {
            const amount = (refundable + BigInt(step.share) - 1n) / BigInt(step.share);
            expect(await method().refund(follow(c.reference, amount))).toMatchObject({ status: 'approved' });
            c.refunded += amount;
          } else if (step.kind === 'overCapture') {
            expect(await method().capture(follow(c.reference, capturable + 1n))).toMatchObject({
              status: 'declined',
            });
          } else if (step.kind === 'overRefund') {
            expect(await method().refund(follow(c.reference, refundable + 1n))).toMatchObject({
              status: 'declined',
            });
          } else if (step.kind === 'void' && !c.voided) {
            expect(await method().void(follow(c.reference, c.amount))).toMatchObject({ status: 'approved' });
            c.voided = true;
          }
        }
        const used = (await usageRow(t, sourceId))[0]?.used ?? 0n;
        expect(used).toBe(expectedUsage(charges));
        expect(used <= CAP).toBe(true);
      }
    }),
    { numRuns: 30 },
  );
});
