import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { query } from '../../../core/plugin-api.ts';
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
const METER = `__typename ... on UsageMeter { id accrued billed { amount } fees } ... on Error { message }`;
const CREATE_METER = `mutation($input: CreateUsageMeterInput!) { createUsageMeter(input: $input) { ${METER} } }`;
const RECORD_USAGE = `mutation($id: ID!, $q: Int!) { recordUsage(meterId: $id, quantity: $q) { ${METER} } }`;
const CHARGE_METER = `mutation($id: ID!) { chargeUsageMeter(meterId: $id) { ${METER} } }`;
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
  test('a usage charge pays the pricing of the meter’s method: KRW 10 charged at 1.5 % accrues KRW 0.15, posted with the usage, checked by verify', async () => {
    const { merchantId, client } = await t.createMerchant('Metered shop');
    await setPricing(t.operator, { merchantId, method: 'wallet', fixed: '0', basisPoints: 150 });
    const holder = await fundedWallet(client, 1000n);
    const meter = await mutate(client, CREATE_METER, {
      input: {
        customerId: holder.customerId,
        unitPrice: '0.1',
        currency: 'KRW',
        method: 'wallet',
        sourceId: holder.walletId,
      },
    });
    const meterId = (meter as unknown as { id: string }).id;
    await mutate(client, RECORD_USAGE, { id: meterId, q: 100 });
    // Usage alone moves no money, so it pays no fee yet.
    expect(await feeState(t, merchantId)).toMatchObject({ posted: 0n, carriedMicros: 0n, payable: 0n });
    expect(await mutate(client, CHARGE_METER, { id: meterId })).toMatchObject({
      billed: { amount: '10' },
      fees: '0.15',
    });
    expect(await feeState(t, merchantId)).toMatchObject({
      posted: 0n,
      carriedMicros: 150_000n,
      payable: 10n,
    });
    // 60 KRW more at 1.5 %: KRW 0.9, so 1.05 in all; one whole won is posted, 0.05 carried.
    await mutate(client, RECORD_USAGE, { id: meterId, q: 605 });
    expect(await mutate(client, CHARGE_METER, { id: meterId })).toMatchObject({
      billed: { amount: '70' },
      accrued: '0.5',
      fees: '1.05',
    });
    const state = await feeState(t, merchantId);
    expect(state.posted * 1_000_000n + state.carriedMicros).toBe(1_050_000n);
    expect(state.payable).toBe(70n - state.posted);
    expect(await ledgerIsSound(t)).toMatchObject({ ok: true });

    // A charge whose recorded fee disagrees with what the ledger took is found by verify.
    const em = t.gateway.database.em.fork();
    const bump = (delta: number) =>
      query(
        em,
        `update usage_record set fee_micros = fee_micros + ? where kind = 'charge' and fee_micros > 0
          and meter_id = ? and id = (select id from usage_record where meter_id = ? and kind = 'charge' limit 1)`,
        [delta, meterId, meterId],
      );
    await bump(1);
    const broken = await ledgerIsSound(t);
    expect(broken.ok).toBe(false);
    expect(broken.problems).toContainEqual(
      expect.objectContaining({ check: 'fees charged equal fees posted plus carried' }),
    );
    await bump(-1);
    expect(await ledgerIsSound(t)).toMatchObject({ ok: true });
  });
});
