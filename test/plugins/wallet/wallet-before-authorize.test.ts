import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { query } from '../../../core/db/sql.ts';
import type { TestGateway } from '../../../core/testing/create-test-gateway.ts';
import type { HttpGraphQLClient } from '../../../core/testing/graphql-clients.ts';
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
} from '../payments/support.ts';
import { BLOCKED_FIELDS, forAmount, verdictPlugin } from '../payments/verdict-plugins.ts';

/**
 * A `payment.beforeAuthorize` veto of one wallet payment leaves the others of its batch alone:
 * the vetoed payment never reaches PayFromAccountBatcher, the rest share a statement as before.
 */
const BALANCE = `query($id: ID!) { wallet(id: $id) { ... on Wallet { balance { amount } } } }`;
const CREATE = CREATE_PAYMENT.replace('... on Error', `${BLOCKED_FIELDS} ... on Error`);
const VETOED = 13n;
const veto = verdictPlugin('wallet-veto');
veto.decide = forAmount(VETOED, { decision: 'block', score: 77, reasons: ['thirteen is unlucky'] });

let t: TestGateway;
let shop: HttpGraphQLClient;
let gate: WalletHolder;

async function until(condition: () => boolean, what: string): Promise<void> {
  for (const started = Date.now(); !condition(); await new Promise((r) => setTimeout(r, 5))) {
    if (Date.now() - started > 30_000) throw new Error(`gave up waiting until ${what}`);
  }
}

beforeAll(async () => {
  // One batch in flight at a time, and keys resolved for a minute: see wallet-batches.test.ts.
  t = await bootPayments(
    [createFakeAcquirer().plugin, walletPlugin, veto.plugin],
    { walletBatches: { concurrency: 1 } },
    { auth: { principalCacheSeconds: 60 } },
  );
  ({ client: shop } = await t.createMerchant('Arcade'));
  gate = await fundedWallet(shop, 1_000n);
});
afterAll(() => t?.close());

async function balanceOf(walletId: string): Promise<bigint> {
  const { wallet } = await shop.data<{ wallet: { balance: { amount: string } } }>(BALANCE, { id: walletId });
  return BigInt(wallet.balance.amount);
}

test('a vetoed wallet payment is refused while the others of its batch go through', async () => {
  const holders = await Promise.all([0, 1, 2].map(() => fundedWallet(shop, 100n)));
  const amounts = [5n, VETOED, 7n, VETOED, 11n, 2n, VETOED, 9n, 4n];
  const sent = amounts.map((amount, i) => ({ amount, holder: holders[i % 3]!, key: `k-${randomUUID()}` }));
  const allowed = sent.filter((s) => s.amount !== VETOED).length;
  const batches = t.gateway.services.payments.walletBatches;

  // As wallet-batches.test.ts's inOneBatch: a first payment held at the database fills the only
  // batch slot while the others queue behind it, then they leave together.
  await shop.data('{ viewer { kind } }');
  const lock = t.gateway.database.orm.em.fork();
  await lock.begin();
  let answers: PaymentView[];
  try {
    await query(lock, 'select 1 from ledger_balance where account_id = ? for update', [gate.walletId]);
    const held = mutate(shop, CREATE, {
      input: {
        customerId: gate.customerId,
        method: 'wallet',
        sourceId: gate.walletId,
        amount: { amount: '1', currency: 'KRW' },
      },
    });
    await until(() => batches.inFlight === 1, 'the held payment is sent');
    const pending = sent.map((s) =>
      mutate(shop, CREATE, {
        input: {
          customerId: s.holder.customerId,
          method: 'wallet',
          sourceId: s.holder.walletId,
          amount: { amount: String(s.amount), currency: 'KRW' },
        },
        key: s.key,
      }),
    );
    // The vetoed ones never join the queue: only the allowed wait for the next batch.
    await until(() => batches.waiting === allowed, 'every allowed payment waits for the next batch');
    await lock.commit();
    expect(await held).toMatchObject({ status: 'captured' });
    answers = await Promise.all(pending);
  } finally {
    if (lock.isInTransaction()) await lock.rollback();
  }

  sent.forEach((s, n) => {
    if (s.amount === VETOED) {
      expect(answers[n]).toMatchObject({
        __typename: 'PaymentBlockedError',
        code: 'PAYMENT_BLOCKED',
        score: 77,
        reasons: ['thirteen is unlucky'],
      });
    } else {
      expect(answers[n]).toMatchObject({ status: 'captured', amount: { amount: String(s.amount) } });
    }
  });
  for (const holder of holders) {
    const spent = sent
      .filter((s) => s.holder === holder && s.amount !== VETOED)
      .reduce((sum, s) => sum + s.amount, 0n);
    expect(await balanceOf(holder.walletId)).toBe(100n - spent);
  }
  // A vetoed key recorded nothing: its retry is asked again, and allowed now, goes through.
  const retry = sent.find((s) => s.amount === VETOED)!;
  veto.decide = () => ({ decision: 'allow', score: 0, reasons: [] });
  expect(
    await mutate(shop, CREATE, {
      input: {
        customerId: retry.holder.customerId,
        method: 'wallet',
        sourceId: retry.holder.walletId,
        amount: { amount: String(VETOED), currency: 'KRW' },
      },
      key: retry.key,
    }),
  ).toMatchObject({ status: 'captured' });
  expect(await ledgerIsSound(t)).toEqual({ ok: true, problems: [] });
});
