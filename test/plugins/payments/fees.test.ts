import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { TestGateway } from '../../../core/testing/create-test-gateway.ts';
import type { HttpGraphQLClient } from '../../../core/testing/graphql-clients.ts';
import { walletPlugin } from '../../../plugins/wallet/index.ts';
import { createFakeAcquirer } from './fake-acquirer.ts';
import { feeState, SET_PRICING, setPricing } from './fees-support.ts';
import {
  bootPayments,
  CAPTURE,
  CREATE_PAYMENT,
  createCustomer,
  fundedWallet,
  ledgerIsSound,
  mutate,
  REFUND,
} from './support.ts';

const FEE = 'query($id: ID!) { payment(id: $id) { ... on Payment { fee status } } }';
const SETTLE = `mutation($end: DateTime!) {
  runSettlement(periodEnd: $end) { ... on SettlementRun { payouts { merchantId amount { amount } fees { amount } } } }
}`;

let t: TestGateway;
const network = createFakeAcquirer();

beforeAll(async () => {
  t = await bootPayments([network.plugin, walletPlugin]);
});
afterAll(() => t?.close());

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));
const feeOf = async (client: HttpGraphQLClient, id: string) =>
  (await client.data<{ payment: { fee: string } }>(FEE, { id })).payment.fee;

describe('fees', () => {
  test('KRW 0.15 on a KRW 10 wallet payment accrues exactly; twenty of them post KRW 3; the payout is net and shows them', async () => {
    const { merchantId, client } = await t.createMerchant('Fee shop');
    await setPricing(t.operator, { merchantId, method: 'wallet', fixed: '0', basisPoints: 150 });
    const holder = await fundedWallet(client, 1000n);
    const pay = () =>
      mutate(client, CREATE_PAYMENT, {
        input: {
          customerId: holder.customerId,
          method: 'wallet',
          sourceId: holder.walletId,
          amount: { amount: '10', currency: 'KRW' },
        },
      });
    const first = await pay();
    expect(first.status).toBe('captured');
    expect(await feeOf(client, first.id)).toBe('0.15');
    expect(await feeState(t, merchantId)).toMatchObject({
      posted: 0n,
      carriedMicros: 150_000n,
      payable: 10n,
    });
    // Concurrent payments: the batched path sums them in its SQL. Each payable stripe carries its
    // own remainder (PostgreSQL spreads connections over stripes), so only the sum is certain.
    await Promise.all(Array.from({ length: 19 }, pay));
    const state = await feeState(t, merchantId);
    expect(state.posted * 1_000_000n + state.carriedMicros).toBe(3_000_000n);
    expect(state.payable).toBe(200n - state.posted);

    await tick();
    const end = new Date();
    await tick();
    const { runSettlement } = await t.operator.data<{
      runSettlement: {
        payouts: { merchantId: string; amount: { amount: string }; fees: { amount: string } }[];
      };
    }>(SETTLE, { end: end.toISOString() });
    expect(runSettlement.payouts.filter((p) => p.merchantId === merchantId)).toEqual([
      { merchantId, amount: { amount: '197' }, fees: { amount: '3' } },
    ]);
    // Settlement gathered the stripes' remainders: nothing is carried, nothing was rounded away.
    expect(await feeState(t, merchantId)).toMatchObject({
      posted: 3n,
      carriedMicros: 0n,
      payable: 0n,
      paidOutFees: 3n,
    });
    expect(await ledgerIsSound(t)).toMatchObject({ ok: true });
  }, 60_000);

  test('the general path: a capture charges fixed + basis points within min and max; a refund returns its share', async () => {
    const { merchantId, client } = await t.createMerchant('Card shop');
    await setPricing(t.operator, {
      merchantId,
      method: 'test-card',
      fixed: '1',
      basisPoints: 250,
      minimum: '2',
      maximum: '50',
      onRefund: 'return',
    });
    const customerId = await createCustomer(client);
    const created = await mutate(client, CREATE_PAYMENT, {
      input: {
        customerId,
        method: 'test-card',
        sourceId: 'approve',
        captureMethod: 'manual',
        amount: { amount: '1000', currency: 'KRW' },
      },
    });
    expect(created.status).toBe('authorized');
    expect(await feeOf(client, created.id)).toBe('0');
    await mutate(client, CAPTURE, { id: created.id, amount: { amount: '100', currency: 'KRW' } });
    // 1 + 2.5 % of 100 = 3.5
    expect(await feeOf(client, created.id)).toBe('3.5');
    await mutate(client, CAPTURE, {
      id: created.id,
      amount: { amount: '300', currency: 'KRW' },
      release: true,
    });
    // 1 + 2.5 % of 400 = 11: the second capture charges the 7.5 more
    expect(await feeOf(client, created.id)).toBe('11');
    expect(await feeState(t, merchantId)).toMatchObject({ posted: 11n, carriedMicros: 0n, payable: 389n });
    const refunded = await mutate(client, REFUND, {
      id: created.id,
      amount: { amount: '100', currency: 'KRW' },
    });
    expect(refunded).toMatchObject({ status: 'partially_refunded' });
    expect(await feeOf(client, created.id)).toBe('8.25');
    // 2.75 back: 3 whole won return and 0.25 is carried as owed.
    expect(await feeState(t, merchantId)).toMatchObject({
      posted: 8n,
      carriedMicros: 250_000n,
      payable: 292n,
    });
    await mutate(client, REFUND, { id: created.id });
    expect(await feeOf(client, created.id)).toBe('0');
    expect(await feeState(t, merchantId)).toMatchObject({ posted: 0n, carriedMicros: 0n, payable: 0n });
    expect(await ledgerIsSound(t)).toMatchObject({ ok: true });
  }, 60_000);

  test('`keep`: a refund leaves the fee charged; the minimum applies to a tiny payment', async () => {
    const { merchantId, client } = await t.createMerchant('Keep shop');
    await setPricing(t.operator, {
      merchantId,
      method: 'wallet',
      fixed: '0',
      basisPoints: 100,
      minimum: '2',
      onRefund: 'keep',
    });
    const holder = await fundedWallet(client, 100n);
    const paid = await mutate(client, CREATE_PAYMENT, {
      input: {
        customerId: holder.customerId,
        method: 'wallet',
        sourceId: holder.walletId,
        amount: { amount: '5', currency: 'KRW' },
      },
    });
    expect(await feeOf(client, paid.id)).toBe('2');
    await mutate(client, REFUND, { id: paid.id });
    expect(await feeOf(client, paid.id)).toBe('2');
    expect(await feeState(t, merchantId)).toMatchObject({ posted: 2n, carriedMicros: 0n, payable: -2n });
  }, 60_000);

  test('the default pricing applies to merchants without their own; a merchant’s own wins', async () => {
    await setPricing(t.operator, {
      merchantId: null,
      method: 'wallet',
      fixed: '1',
      basisPoints: 0,
      currency: 'USD',
    });
    const { merchantId, client } = await t.createMerchant('Default shop');
    const { feePricings } = await client.data<{
      feePricings: { merchantId: string | null; currency: string }[];
    }>('{ feePricings { merchantId currency method fixed { amount } } }');
    expect(feePricings).toContainEqual(expect.objectContaining({ merchantId: null, currency: 'USD' }));
    const { client: rival } = await t.createMerchant('Rival shop');
    await setPricing(t.operator, {
      merchantId,
      method: 'wallet',
      fixed: '0',
      basisPoints: 10,
      currency: 'USD',
    });
    const rivals = await rival.data<{ feePricings: { merchantId: string | null }[] }>(
      '{ feePricings { merchantId } }',
    );
    expect(rivals.feePricings.every((p) => p.merchantId === null)).toBe(true);
  });

  test('an amount whose fee the ledger cannot hold is refused before the method is called, and nothing moves', async () => {
    const { merchantId, client } = await t.createMerchant('Huge shop');
    await setPricing(t.operator, { merchantId, method: 'wallet', fixed: '0', basisPoints: 150 });
    await setPricing(t.operator, { merchantId, method: 'test-card', fixed: '0', basisPoints: 150 });
    const huge = '1000000000000000'; // 10^15 minor units: its fee (1.5 %) in millionths passes 2^63
    const holder = await fundedWallet(client, BigInt(huge)); // a top-up: no fee, so not refused
    const callsBefore = network.calls.length;
    for (const [method, sourceId] of [
      ['wallet', holder.walletId],
      ['test-card', 'approve'],
    ] as const) {
      const answer = await client.request(CREATE_PAYMENT, {
        input: { customerId: holder.customerId, method, sourceId, amount: { amount: huge, currency: 'KRW' } },
      });
      // Before the method is called: a card authorized for an amount whose fee cannot be
      // recorded would be left authorized, its capture failing.
      expect(answer.data?.createPayment, method).toMatchObject({
        __typename: 'ValidationError',
        field: 'amount',
      });
    }
    expect(await feeState(t, merchantId)).toMatchObject({ posted: 0n, carriedMicros: 0n });
    expect(network.calls.slice(callsBefore)).toEqual([]);
  });

  test('operators only, validated, audited', async () => {
    const { merchantId, client } = await t.createMerchant('Audit shop');
    const asMerchant = await client.request(SET_PRICING, {
      input: {
        merchantId,
        method: 'wallet',
        fixed: { amount: '0', currency: 'KRW' },
        basisPoints: 0,
        onRefund: 'return',
        reason: 'mine',
      },
    });
    expect(asMerchant.errors?.length).toBeGreaterThan(0);
    const invalid = async (input: Record<string, unknown>) =>
      (
        await t.operator.data<{ setFeePricing: { __typename: string; field?: string } }>(SET_PRICING, {
          input: {
            merchantId,
            method: 'wallet',
            fixed: { amount: '0', currency: 'KRW' },
            basisPoints: 0,
            onRefund: 'return',
            reason: 'test',
            ...input,
          },
        })
      ).setFeePricing;
    expect(await invalid({ basisPoints: 10_001 })).toMatchObject({ field: 'basisPoints' });
    expect(await invalid({ method: 'nope' })).toMatchObject({ field: 'method' });
    expect(await invalid({ reason: ' ' })).toMatchObject({ field: 'reason' });
    expect(
      await invalid({ minimum: { amount: '5', currency: 'KRW' }, maximum: { amount: '4', currency: 'KRW' } }),
    ).toMatchObject({ field: 'maximum' });
    expect(await invalid({ minimum: { amount: '5', currency: 'USD' } })).toMatchObject({ field: 'minimum' });
    expect(await invalid({ merchantId: '00000000-0000-4000-8000-000000000000' })).toMatchObject({
      __typename: 'NotFoundError',
    });

    await setPricing(t.operator, { merchantId, method: 'wallet', fixed: '1', basisPoints: 5 });
    await setPricing(t.operator, { merchantId, method: 'wallet', fixed: '2', basisPoints: 5 });
    const removed = await t.operator.data<{ removeFeePricing: { __typename: string } }>(
      'mutation($m: ID) { removeFeePricing(merchantId: $m, currency: "KRW", method: "wallet", reason: "done") { __typename } }',
      { m: merchantId },
    );
    expect(removed.removeFeePricing.__typename).toBe('FeePricing');
    const { feePricingChanges } = await client.data<{
      feePricingChanges: {
        edges: {
          node: {
            before: { fixedMinor: string } | null;
            after: { fixedMinor: string } | null;
            reason: string;
            changedBy: string | null;
          };
        }[];
      };
    }>(
      '{ feePricingChanges(first: 3) { edges { node { reason changedBy before { fixedMinor } after { fixedMinor } } } } }',
    );
    expect(feePricingChanges.edges.map((e) => e.node)).toEqual([
      { reason: 'done', changedBy: null, before: { fixedMinor: '2' }, after: null },
      { reason: 'a test', changedBy: null, before: { fixedMinor: '1' }, after: { fixedMinor: '2' } },
      { reason: 'a test', changedBy: null, before: null, after: { fixedMinor: '1' } },
    ]);
  });
});
