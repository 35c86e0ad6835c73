import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { query } from '../../../core/db/sql.ts';
import type { TestGateway } from '../../../core/testing/create-test-gateway.ts';
import type { HttpGraphQLClient } from '../../../core/testing/graphql-clients.ts';
import { PayFromAccountBatcher } from '../../../plugins/payments/pay-from-account-batcher.ts';
import { walletPlugin } from '../../../plugins/wallet/index.ts';
import { createFakeAcquirer } from '../payments/fake-acquirer.ts';
import {
  bootPayments,
  CREATE_PAYMENT,
  fundedWallet,
  ledgerIsSound,
  mutate,
  type PaymentView,
  type WalletHolder,
  walletItem,
} from '../payments/support.ts';

/**
 * Wallet payments that arrive together share a database statement (PayFromAccountBatcher).
 * With one batch in flight at a time, every request fired at once lands in a shared batch, and
 * each must still answer as if it had run alone.
 */
const BALANCE = `query($id: ID!) { wallet(id: $id) { ... on Wallet { balance { amount } } } }`;
const START_BALANCE = 40n;

let t: TestGateway;
let shop: HttpGraphQLClient;
let merchantId: string;
const network = createFakeAcquirer();

async function balanceOf(walletId: string): Promise<bigint> {
  const { wallet } = await shop.data<{ wallet: { balance: { amount: string } } }>(BALANCE, { id: walletId });
  return BigInt(wallet.balance.amount);
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (const started = Date.now(); !condition(); await new Promise((r) => setTimeout(r, 5))) {
    if (Date.now() - started > 30_000) throw new Error(`gave up waiting until ${what}`);
  }
}

/**
 * Sends the requests so that they travel in ONE batch: a first payment is held at the
 * database (its wallet locked by an open transaction) while it fills the only batch slot; the
 * requests queue behind it; then the lock goes and they leave together.
 */
async function inOneBatch<T>(requests: (() => Promise<T>)[]): Promise<T[]> {
  const batches = t.gateway.services.payments.walletBatches;
  // The merchant's key must be resolved before the lock: on the embedded database the open
  // transaction holds the only connection, and a key lookup would wait behind it.
  await shop.data('{ viewer { kind } }');
  const lock = t.gateway.database.orm.em.fork();
  await lock.begin();
  await query(lock, 'select 1 from ledger_balance where account_id = ? for update', [gate.walletId]);
  const held = mutate(shop, CREATE_PAYMENT, {
    input: {
      customerId: gate.customerId,
      method: 'wallet',
      sourceId: gate.walletId,
      amount: { amount: '1', currency: 'KRW' },
    },
  });
  try {
    await until(() => batches.inFlight === 1, 'the held payment is sent');
    const answers = requests.map((send) => send());
    await until(() => batches.waiting === requests.length, 'every request waits for the next batch');
    await lock.commit();
    expect(await held).toMatchObject({ status: 'captured' });
    return await Promise.all(answers);
  } finally {
    if (lock.isInTransaction()) await lock.rollback();
  }
}

let gate: WalletHolder;

beforeAll(async () => {
  // Keys stay resolved for a minute: while inOneBatch holds the embedded database's only
  // connection, a request whose key had to be looked up again would wait behind it.
  t = await bootPayments(
    [network.plugin, walletPlugin],
    { walletBatches: { concurrency: 1 } },
    { auth: { principalCacheSeconds: 60 } },
  );
  ({ merchantId, client: shop } = await t.createMerchant('Arcade'));
  gate = await fundedWallet(shop, 1_000_000n);
});
afterAll(() => t?.close());

describe('wallet payments in shared batches', () => {
  test('any mix fired at once answers each request as if alone, and the ledger balances', async () => {
    const request = fc.record({
      wallet: fc.nat(2),
      amount: fc.integer({ min: 1, max: 45 }),
      // A key is reused only by retries of the same request (same wallet and amount).
      retries: fc.nat(2),
      keyed: fc.boolean(),
      // Someone else's wallet named with this customer, or no wallet at all.
      wrongSource: fc.constantFrom(null, 'other customer', 'unknown'),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(request, { minLength: 1, maxLength: 12 }), async (requests) => {
        const holders = await Promise.all([0, 1, 2].map(() => fundedWallet(shop, START_BALANCE)));
        const sent = requests.flatMap((r, i) => {
          const holder = holders[r.wallet]!;
          const source =
            r.wrongSource === 'unknown'
              ? randomUUID()
              : r.wrongSource === 'other customer'
                ? holders[(r.wallet + 1) % 3]!.walletId
                : holder.walletId;
          const key = r.keyed ? `k-${i}-${randomUUID()}` : null;
          const copies = r.keyed ? 1 + r.retries : 1;
          return Array.from({ length: copies }, () => ({ request: r, i, key, holder, source }));
        });
        const answers = await inOneBatch(
          sent.map(
            (s) => () =>
              mutate(shop, CREATE_PAYMENT, {
                input: {
                  customerId: s.holder.customerId,
                  method: 'wallet',
                  sourceId: s.source,
                  amount: { amount: String(s.request.amount), currency: 'KRW' },
                },
                key: s.key,
              }),
          ),
        );

        const paid = new Map<string, { wallet: string; amount: bigint }>();
        const byRequest = new Map<number, PaymentView[]>();
        sent.forEach((s, n) => {
          const answer = answers[n]!;
          byRequest.set(s.i, [...(byRequest.get(s.i) ?? []), answer]);
          if (s.request.wrongSource) {
            expect(answer).toMatchObject({ __typename: 'NotFoundError' });
          } else if (answer.__typename === 'Payment') {
            expect(answer).toMatchObject({
              status: 'captured',
              amount: { amount: String(s.request.amount) },
            });
            paid.set(answer.id, { wallet: s.holder.walletId, amount: BigInt(s.request.amount) });
          } else {
            expect(answer).toMatchObject({
              __typename: 'InsufficientFundsError',
              requested: { amount: String(s.request.amount) },
            });
            const available = BigInt(
              (answer as unknown as { available: { amount: string } }).available.amount,
            );
            expect(available).toBeLessThan(BigInt(s.request.amount));
          }
        });
        // Retries of one keyed request: one payment between them, or the same refusal.
        for (const copies of byRequest.values()) {
          const ids = new Set(copies.map((c) => (c.__typename === 'Payment' ? c.id : c.__typename)));
          expect(ids.size).toBe(1);
        }
        for (const holder of holders) {
          const spent = [...paid.values()]
            .filter((p) => p.wallet === holder.walletId)
            .reduce((sum, p) => sum + p.amount, 0n);
          expect(await balanceOf(holder.walletId)).toBe(START_BALANCE - spent);
        }
      }),
      {
        numRuns: 20,
        // Always among the runs: a keyed request no wallet can cover, retried twice.
        examples: [[[{ wallet: 0, amount: 45, retries: 2, keyed: true, wrongSource: null }]]],
      },
    );
    // Once over everything the runs wrote: an imbalance anywhere stays until the end.
    expect(await ledgerIsSound(t)).toEqual({ ok: true, problems: [] });
  }, 120_000);

  test('a batch that fails as a whole is retried one payment at a time, so only the bad one fails', async () => {
    const holder = await fundedWallet(shop, 1_000n);
    const batcher = new PayFromAccountBatcher(t.gateway.database.orm, t.gateway.log, {
      concurrency: 1,
      maxSize: 100,
      idempotencyTtlSeconds: 86_400,
      merchantBalanceStripes: 4,
    });
    const item = (amount: string) => walletItem(merchantId, holder, amount);
    // The first goes alone; the next three wait and travel together. The middle one's amount
    // does not fit the database's bigint, which fails their shared statement as a whole.
    const outcomes = await Promise.allSettled([
      batcher.pay(item('10')),
      batcher.pay(item('20')),
      batcher.pay(item('99999999999999999999')),
      batcher.pay(item('30')),
    ]);
    expect(outcomes.map((o) => (o.status === 'fulfilled' ? o.value.outcome : 'failed'))).toEqual([
      'captured',
      'captured',
      'failed',
      'captured',
    ]);
    expect(await balanceOf(holder.walletId)).toBe(1_000n - 60n);
    expect(t.logs.filter((line) => line.includes('wallet batch failed'))).toHaveLength(1);
    expect(await ledgerIsSound(t)).toEqual({ ok: true, problems: [] });
  });
});

describe.skipIf(!process.env.DATABASE_URL)('wallet payments in concurrent batches (PostgreSQL)', () => {
  let many: TestGateway;

  beforeAll(async () => {
    // Small batches, four at a time, so that many cross the same wallets at once in their own orders.
    many = await bootPayments([network.plugin, walletPlugin], {
      walletBatches: { concurrency: 4, maxSize: 5 },
    });
  });
  afterAll(() => many?.close());

  test('batches crossing the same wallets in any order never deadlock', async () => {
    const { merchantId: merchant, client } = await many.createMerchant('Busy arcade');
    const holders: WalletHolder[] = [];
    for (let i = 0; i < 4; i++) holders.push(await fundedWallet(client, 100_000n));
    const deadlocks = async () => {
      const [row] = await query(
        many.gateway.database.orm.em.fork(),
        'select deadlocks from pg_stat_database where datname = current_database()',
      );
      return Number(row?.deadlocks);
    };
    const before = await deadlocks();
    const batches = many.gateway.services.payments.walletBatches;
    const answers = await Promise.all(
      Array.from({ length: 400 }, () => {
        const holder = holders[Math.floor(Math.random() * holders.length)]!;
        return batches.pay(walletItem(merchant, holder, '1'));
      }),
    );
    expect(answers.filter((a) => a.outcome === 'captured')).toHaveLength(400);
    // A backend reports its counters to pg_stat a moment after its transaction ends.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await deadlocks()).toBe(before);
    expect(await ledgerIsSound(many)).toEqual({ ok: true, problems: [] });
  });
});
