import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { MICROS_PER_MINOR, parseMinorDecimalToMicros } from '../../../core/money/micro-amount.ts';
import type { TestGateway } from '../../../core/testing/create-test-gateway.ts';
import type { HttpGraphQLClient } from '../../../core/testing/graphql-clients.ts';
import { walletPlugin } from '../../../plugins/wallet/index.ts';
import { createFakeAcquirer } from './fake-acquirer.ts';
import { bootPayments, createCustomer, ledgerIsSound, mutate } from './support.ts';

const METER_FIELDS = `__typename ... on UsageMeter { id unitPrice accrued billed { amount currency } } ... on Error { code message } ... on ValidationError { field }`;
const CREATE_METER = `mutation($input: CreateUsageMeterInput!) { createUsageMeter(input: $input) { ${METER_FIELDS} } }`;
const RECORD = `mutation($id: ID!, $q: Int!, $key: String) { recordUsage(meterId: $id, quantity: $q, idempotencyKey: $key) { ${METER_FIELDS} } }`;
const CHARGE = `mutation($id: ID!) { chargeUsageMeter(meterId: $id) { ${METER_FIELDS} } }`;

interface MeterView {
  __typename: string;
  id: string;
  unitPrice: string;
  accrued: string;
  billed: { amount: string; currency: string };
  field?: string;
}

let t: TestGateway;
let shop: HttpGraphQLClient;
const network = createFakeAcquirer();

beforeAll(async () => {
  t = await bootPayments([network.plugin, walletPlugin]);
  shop = (await t.createMerchant('API shop')).client;
});
afterAll(() => t?.close());

async function walletWith(amount: string) {
  const customerId = await createCustomer(shop);
  const { createWallet } = await shop.data<{ createWallet: { id: string } }>(
    'mutation($c: ID!) { createWallet(input: { customerId: $c, currency: "KRW" }) { ... on Wallet { id } } }',
    { c: customerId },
  );
  await mutate(shop, 'mutation($i: TopUpWalletInput!) { topUpWallet(input: $i) { __typename } }', {
    i: {
      walletId: createWallet.id,
      method: 'test-card',
      sourceId: 'approve',
      amount: { amount, currency: 'KRW' },
    },
  });
  return { customerId, walletId: createWallet.id };
}

const balance = async (walletId: string) =>
  (
    await shop.data<{ wallet: { balance: { amount: string } } }>(
      'query($id: ID!) { wallet(id: $id) { ... on Wallet { balance { amount } } } }',
      { id: walletId },
    )
  ).wallet.balance.amount;

const meter = async (unitPrice: string, wallet: { customerId: string; walletId: string }) =>
  (await mutate(shop, CREATE_METER, {
    input: {
      customerId: wallet.customerId,
      unitPrice,
      currency: 'KRW',
      method: 'wallet',
      sourceId: wallet.walletId,
    },
  })) as unknown as MeterView;

describe('metered micro-amounts', () => {
  test('0.1 KRW per call: 25 calls accrue 2.5, a charge takes 2 and carries 0.5', async () => {
    const wallet = await walletWith('100');
    const m = await meter('0.1', wallet);
    expect(m).toMatchObject({ unitPrice: '0.1', accrued: '0', billed: { amount: '0' } });
    for (let i = 0; i < 5; i++) await mutate(shop, RECORD, { id: m.id, q: 5 });
    const charged = (await mutate(shop, CHARGE, { id: m.id })) as unknown as MeterView;
    expect(charged).toMatchObject({ accrued: '0.5', billed: { amount: '2', currency: 'KRW' } });
    expect(await balance(wallet.walletId)).toBe('98');
    await mutate(shop, RECORD, { id: m.id, q: 5 });
    expect(await mutate(shop, CHARGE, { id: m.id })).toMatchObject({ accrued: '0', billed: { amount: '3' } });
    expect(await balance(wallet.walletId)).toBe('97');
  });

  test('recording with an Idempotency-Key counts once', async () => {
    const m = await meter('0.3', await walletWith('10'));
    await mutate(shop, RECORD, { id: m.id, q: 1, key: 'call-1' });
    await mutate(shop, RECORD, { id: m.id, q: 1, key: 'call-1' });
    expect(await mutate(shop, RECORD, { id: m.id, q: 2, key: 'call-1' })).toMatchObject({
      __typename: 'IdempotencyConflictError',
    });
    expect((await mutate(shop, CHARGE, { id: m.id })) as unknown as MeterView).toMatchObject({
      accrued: '0.3',
    });
  });

  test('bad prices are refused; a meter pays only from an account-funded method', async () => {
    const wallet = await walletWith('1');
    expect(await meter('0.0000001', wallet)).toMatchObject({
      __typename: 'ValidationError',
      field: 'unitPrice',
    });
    expect(await meter('-1', wallet)).toMatchObject({ __typename: 'ValidationError', field: 'unitPrice' });
    expect(await meter('0', wallet)).toMatchObject({ __typename: 'ValidationError', field: 'unitPrice' });
    const viaCard = await mutate(shop, CREATE_METER, {
      input: {
        customerId: wallet.customerId,
        unitPrice: '1',
        currency: 'KRW',
        method: 'test-card',
        sourceId: 'approve',
      },
    });
    expect(viaCard).toMatchObject({ __typename: 'ValidationError', field: 'method' });
  });

  test('property: usage = charged + accrued exactly, the accrual after a charge is below one unit', async () => {
    const price = fc
      .tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 999_999 }))
      .filter(([whole, micros]) => whole + micros > 0)
      .map(([whole, micros]) => `${whole}.${micros.toString().padStart(6, '0')}`);
    const step = fc.oneof(fc.integer({ min: 1, max: 50 }), fc.constant('charge' as const));
    await fc.assert(
      fc.asyncProperty(price, fc.array(step, { minLength: 1, maxLength: 8 }), async (unitPrice, steps) => {
        const wallet = await walletWith('100000');
        const m = await meter(unitPrice, wallet);
        const micros = parseMinorDecimalToMicros(unitPrice);
        let used = 0n;
        let view = m;
        for (const s of steps) {
          if (s === 'charge') {
            view = (await mutate(shop, CHARGE, { id: m.id })) as unknown as MeterView;
            expect(parseMinorDecimalToMicros(view.accrued)).toBeLessThan(MICROS_PER_MINOR);
          } else {
            view = (await mutate(shop, RECORD, { id: m.id, q: s })) as unknown as MeterView;
            used += micros * BigInt(s);
          }
          const billed = BigInt(view.billed.amount);
          expect(billed * MICROS_PER_MINOR + parseMinorDecimalToMicros(view.accrued)).toBe(used);
          expect(await balance(wallet.walletId)).toBe((100000n - billed).toString());
        }
      }),
      { numRuns: 10 },
    );
    expect(await ledgerIsSound(t)).toEqual({ ok: true, problems: [] });
  });
});
