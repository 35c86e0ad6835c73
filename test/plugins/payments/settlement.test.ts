import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { TestGateway } from '../../../core/testing/create-test-gateway.ts';
import { walletPlugin } from '../../../plugins/wallet/index.ts';
import { createFakeAcquirer } from './fake-acquirer.ts';
import { bootPayments, CREATE_PAYMENT, createCustomer, ledgerIsSound, mutate, REFUND } from './support.ts';

const SETTLE = `mutation($end: DateTime!) {
  runSettlement(periodEnd: $end) {
    __typename
    ... on SettlementRun { payouts { id merchantId amount { amount currency } lineCount status periodEnd } }
    ... on Error { code message }
  }
}`;

interface PayoutView {
  id: string;
  merchantId: string;
  amount: { amount: string; currency: string };
  lineCount: number;
  status: string;
}

let t: TestGateway;
const network = createFakeAcquirer();

beforeAll(async () => {
  t = await bootPayments([network.plugin, walletPlugin]);
});
afterAll(() => t?.close());

async function shopWithWallet(name: string, funds: string) {
  const { merchantId, client } = await t.createMerchant(name);
  const customerId = await createCustomer(client);
  const { createWallet } = await client.data<{ createWallet: { id: string } }>(
    'mutation($c: ID!) { createWallet(input: { customerId: $c, currency: "KRW" }) { ... on Wallet { id } } }',
    { c: customerId },
  );
  await mutate(client, 'mutation($i: TopUpWalletInput!) { topUpWallet(input: $i) { __typename } }', {
    i: {
      walletId: createWallet.id,
      method: 'test-card',
      sourceId: 'approve',
      amount: { amount: funds, currency: 'KRW' },
    },
  });
  const pay = (amount: string) =>
    mutate(client, CREATE_PAYMENT, {
      input: { customerId, method: 'wallet', sourceId: createWallet.id, amount: { amount, currency: 'KRW' } },
    });
  return { merchantId, client, pay };
}

const settle = async (end: Date) =>
  (await t.operator.data<{ runSettlement: { payouts: PayoutView[] } }>(SETTLE, { end: end.toISOString() }))
    .runSettlement.payouts;
const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('settlement', () => {
  test('a thousand micropayments (and a refund) become one payout; settling again pays nothing twice', async () => {
    const shop = await shopWithWallet('Micro shop', '5000');
    const paid: string[] = [];
    for (let batch = 0; batch < 50; batch++) {
      const results = await Promise.all(Array.from({ length: 20 }, () => shop.pay('1')));
      for (const r of results) {
        expect(r.status).toBe('captured');
        paid.push(r.id);
      }
    }
    expect(await mutate(shop.client, REFUND, { id: paid[0] })).toMatchObject({ status: 'refunded' });
    await tick();
    const end = new Date();
    await tick();
    const payouts = (await settle(end)).filter((p) => p.merchantId === shop.merchantId);
    expect(payouts).toEqual([
      expect.objectContaining({
        amount: { amount: '999', currency: 'KRW' },
        lineCount: 1001,
        status: 'pending',
      }),
    ]);
    const again = (await settle(end)).filter((p) => p.merchantId === shop.merchantId);
    expect(again.map((p) => p.id)).toEqual([payouts[0]!.id]);
    await tick();
    expect((await settle(new Date())).filter((p) => p.merchantId === shop.merchantId)).toEqual([]);

    const listed = await shop.client.data<{ payouts: { edges: { node: { id: string } }[] } }>(
      '{ payouts { edges { node { id } } } }',
    );
    expect(listed.payouts.edges.map((e) => e.node.id)).toEqual([payouts[0]!.id]);
    const rival = (await t.createMerchant('Rival')).client;
    expect(
      (await rival.data<{ payouts: { edges: unknown[] } }>('{ payouts { edges { node { id } } } }')).payouts
        .edges,
    ).toEqual([]);
    const marked = await t.operator.data<{ markPayoutPaid: { status: string; bankReference: string } }>(
      'mutation($id: ID!) { markPayoutPaid(payoutId: $id, bankReference: "KB-2026-0001") { ... on Payout { status bankReference } } }',
      { id: payouts[0]!.id },
    );
    expect(marked.markPayoutPaid).toEqual({ status: 'paid', bankReference: 'KB-2026-0001' });
  }, 180_000);

  test('a merchant that refunded more than it earned is carried to the next period, not paid', async () => {
    const shop = await shopWithWallet('Refund shop', '1000');
    const first = await shop.pay('100');
    await tick();
    const [paidOut] = (await settle(new Date())).filter((p) => p.merchantId === shop.merchantId);
    expect(paidOut!.amount.amount).toBe('100');
    await mutate(shop.client, REFUND, { id: first.id, amount: { amount: '40', currency: 'KRW' } });
    await tick();
    expect((await settle(new Date())).filter((p) => p.merchantId === shop.merchantId)).toEqual([]);
    await shop.pay('100');
    await tick();
    const [next] = (await settle(new Date())).filter((p) => p.merchantId === shop.merchantId);
    expect(next).toMatchObject({ amount: { amount: '60' }, lineCount: 2 });
  });

  test('a period that has not ended cannot be settled', async () => {
    const result = await t.operator.data<{ runSettlement: { __typename: string } }>(SETTLE, {
      end: new Date(Date.now() + 60_000).toISOString(),
    });
    expect(result.runSettlement.__typename).toBe('ValidationError');
  });

  test('the ledger balances after all of it', async () => {
    expect(await ledgerIsSound(t)).toEqual({ ok: true, problems: [] });
  });
});
