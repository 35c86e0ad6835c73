import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { query } from '../../../../core/db/sql.ts';
import { money } from '../../../../core/money/money.ts';
import { createTestGateway, type TestGateway } from '../../../../core/testing/create-test-gateway.ts';
import { paymentsPlugin } from '../../../../plugins/payments/index.ts';
import type { LedgerService } from '../../../../plugins/payments/ledger/ledger.service.ts';
import {
  HoldNotPendingError,
  InsufficientFundsError,
} from '../../../../plugins/payments/ledger/ledger-errors.ts';
import { verifyLedger } from '../../../../plugins/payments/ledger/verify-ledger.ts';

let t: TestGateway;
let ledger: LedgerService;
const em = () => t.gateway.database.em.fork();
const krw = (amount: bigint | number) => money(BigInt(amount), 'KRW');

beforeAll(async () => {
  t = await createTestGateway({ plugins: [paymentsPlugin.with({ janitor: { intervalSeconds: 0 } })] });
  ledger = t.gateway.services.payments.ledger;
});
afterAll(() => t?.close());

let counter = 0;
/** A funding account (may go negative, like a card network's clearing) and two that may not. */
async function openAccounts() {
  const n = ++counter;
  const source = await ledger.openAccount(em(), {
    key: `test/source/${n}`,
    kind: 'clearing',
    currency: 'KRW',
    normal: 'debit',
    allowNegative: true,
    shards: 4,
  });
  const wallets: string[] = [];
  for (const side of ['a', 'b']) {
    wallets.push(
      await ledger.openAccount(em(), {
        key: `test/wallet/${n}/${side}`,
        kind: 'wallet',
        currency: 'KRW',
        normal: 'credit',
        allowNegative: false,
      }),
    );
  }
  return { source, a: wallets[0]!, b: wallets[1]! };
}

describe('accounts and transfers', () => {
  test('opening the same key twice gives the same account; another currency is refused', async () => {
    const spec = {
      key: 'test/same',
      kind: 'wallet',
      currency: 'KRW',
      normal: 'credit',
      allowNegative: false,
    } as const;
    const first = await ledger.openAccount(em(), spec);
    expect(await ledger.openAccount(em(), spec)).toBe(first);
    await expect(ledger.openAccount(em(), { ...spec, currency: 'USD' })).rejects.toThrow(/another currency/);
  });

  test('a transfer the payer cannot cover is refused with what is available, and changes nothing', async () => {
    const { source, a, b } = await openAccounts();
    await ledger.transfer(em(), {
      debitAccountId: source,
      creditAccountId: a,
      amount: krw(500),
      kind: 'top_up',
    });
    const error = await ledger
      .transfer(em(), { debitAccountId: a, creditAccountId: b, amount: krw(501), kind: 'payment' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InsufficientFundsError);
    expect((error as InsufficientFundsError).available).toEqual(krw(500));
    expect((error as InsufficientFundsError).requested).toEqual(krw(501));
    expect((await ledger.balance(em(), a)).posted).toEqual(krw(500));
    expect((await ledger.balance(em(), b)).posted).toEqual(krw(0));
  });

  test('a hold reserves funds; it is posted (partly) or voided at most once', async () => {
    const { source, a, b } = await openAccounts();
    await ledger.transfer(em(), {
      debitAccountId: source,
      creditAccountId: a,
      amount: krw(1000),
      kind: 'top_up',
    });
    const hold = await ledger.hold(em(), { debitAccountId: a, creditAccountId: b, amount: krw(700) });
    expect(await ledger.balance(em(), a)).toMatchObject({
      posted: krw(1000),
      reserved: krw(700),
      available: krw(300),
    });
    await expect(
      ledger.transfer(em(), { debitAccountId: a, creditAccountId: b, amount: krw(301), kind: 'payment' }),
    ).rejects.toBeInstanceOf(InsufficientFundsError);
    await ledger.postHold(em(), hold, krw(400), 'payment');
    expect(await ledger.balance(em(), a)).toMatchObject({
      posted: krw(600),
      reserved: krw(0),
      available: krw(600),
    });
    expect(await ledger.balance(em(), b)).toMatchObject({ posted: krw(400), incoming: krw(0) });
    await expect(ledger.postHold(em(), hold, krw(1), 'payment')).rejects.toBeInstanceOf(HoldNotPendingError);
    await expect(ledger.voidHold(em(), hold)).rejects.toBeInstanceOf(HoldNotPendingError);
  });

  test('the database itself refuses a balance below zero, even from raw SQL', async () => {
    const { a } = await openAccounts();
    await expect(
      query(em(), 'update ledger_balance set debits_posted = debits_posted + 1 where account_id = ?', [a]),
    ).rejects.toThrow(/ledger_balance_limit_check/);
  });
});

type Op =
  | { kind: 'fund'; to: 'a' | 'b'; amount: number }
  | { kind: 'transfer'; from: 'a' | 'b'; amount: number }
  | { kind: 'hold'; from: 'a' | 'b'; amount: number }
  | { kind: 'post'; hold: number; fraction: number }
  | { kind: 'void'; hold: number };

const side = fc.constantFrom<'a' | 'b'>('a', 'b');
const amount = fc.integer({ min: 1, max: 1000 });
const operation: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('fund' as const), to: side, amount }),
  fc.record({ kind: fc.constant('transfer' as const), from: side, amount }),
  fc.record({ kind: fc.constant('hold' as const), from: side, amount }),
  fc.record({
    kind: fc.constant('post' as const),
    hold: fc.nat(20),
    fraction: fc.double({ min: 0.01, max: 1, noNaN: true }),
  }),
  fc.record({ kind: fc.constant('void' as const), hold: fc.nat(20) }),
);

describe('properties', () => {
  test('over random operations the ledger matches a simple model and every invariant holds', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { minLength: 1, maxLength: 25 }), async (ops) => {
        const accounts = await openAccounts();
        const posted = { a: 0n, b: 0n };
        const reserved = { a: 0n, b: 0n };
        const holds: { id: string; from: 'a' | 'b'; amount: bigint; open: boolean }[] = [];
        const other = (s: 'a' | 'b') => (s === 'a' ? 'b' : 'a');
        for (const op of ops) {
          switch (op.kind) {
            case 'fund':
              await ledger.transfer(em(), {
                debitAccountId: accounts.source,
                creditAccountId: accounts[op.to],
                amount: krw(op.amount),
                kind: 'top_up',
              });
              posted[op.to] += BigInt(op.amount);
              break;
            case 'transfer':
            case 'hold': {
              const value = BigInt(op.amount);
              const covered = posted[op.from] - reserved[op.from] >= value;
              const spec = {
                debitAccountId: accounts[op.from],
                creditAccountId: accounts[other(op.from)],
                amount: krw(value),
              };
              const attempt =
                op.kind === 'transfer'
                  ? ledger.transfer(em(), { ...spec, kind: 'payment' })
                  : ledger.hold(em(), spec);
              if (!covered) {
                await expect(attempt).rejects.toBeInstanceOf(InsufficientFundsError);
                break;
              }
              const id = await attempt;
              if (op.kind === 'transfer') {
                posted[op.from] -= value;
                posted[other(op.from)] += value;
              } else {
                reserved[op.from] += value;
                holds.push({ id, from: op.from, amount: value, open: true });
              }
              break;
            }
            case 'post':
            case 'void': {
              const hold = holds[op.hold % Math.max(1, holds.length)];
              if (!hold) break;
              const attempt =
                op.kind === 'void'
                  ? ledger.voidHold(em(), hold.id)
                  : ledger.postHold(
                      em(),
                      hold.id,
                      krw(BigInt(Math.max(1, Math.floor(Number(hold.amount) * op.fraction)))),
                      'payment',
                    );
              if (!hold.open) {
                await expect(attempt).rejects.toBeInstanceOf(HoldNotPendingError);
                break;
              }
              await attempt;
              hold.open = false;
              reserved[hold.from] -= hold.amount;
              if (op.kind === 'post') {
                const moved = BigInt(Math.max(1, Math.floor(Number(hold.amount) * op.fraction)));
                posted[hold.from] -= moved;
                posted[other(hold.from)] += moved;
              }
              break;
            }
          }
        }
        for (const s of ['a', 'b'] as const) {
          const balance = await ledger.balance(em(), accounts[s]);
          expect(balance.posted).toEqual(krw(posted[s]));
          expect(balance.reserved).toEqual(krw(reserved[s]));
          expect(balance.available.amount).toBeGreaterThanOrEqual(0n);
        }
        const source = await ledger.balance(em(), accounts.source);
        expect(source.posted.amount).toBe(posted.a + posted.b);
      }),
      { numRuns: 25 },
    );
    const report = await verifyLedger(em());
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
  });

  test('concurrent transfers in both directions: no deadlock, no lost update, nothing below zero', async () => {
    const { source, a, b } = await openAccounts();
    await ledger.transfer(em(), {
      debitAccountId: source,
      creditAccountId: a,
      amount: krw(1000),
      kind: 'top_up',
    });
    await ledger.transfer(em(), {
      debitAccountId: source,
      creditAccountId: b,
      amount: krw(1000),
      kind: 'top_up',
    });
    const moves = Array.from({ length: 60 }, (_, i) => ({
      from: i % 2 ? a : b,
      to: i % 2 ? b : a,
      amount: 1 + (i % 7) * 40,
    }));
    const results = await Promise.allSettled(
      moves.map((m) =>
        em().transactional((tx) =>
          ledger.transfer(tx, {
            debitAccountId: m.from,
            creditAccountId: m.to,
            amount: krw(m.amount),
            kind: 'payment',
          }),
        ),
      ),
    );
    for (const r of results)
      if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(InsufficientFundsError);
    const total =
      (await ledger.balance(em(), a)).posted.amount + (await ledger.balance(em(), b)).posted.amount;
    expect(total).toBe(2000n);
    expect((await verifyLedger(em())).problems).toEqual([]);
  });

  test('verifyLedger finds a tampered balance and an unbalanced entry', async () => {
    const { source, a } = await openAccounts();
    const entry = await ledger.transfer(em(), {
      debitAccountId: source,
      creditAccountId: a,
      amount: krw(10),
      kind: 'top_up',
    });
    await em()
      .transactional(async (tx) => {
        await query(
          tx,
          'update ledger_balance set credits_posted = credits_posted + 5 where account_id = ?',
          [a],
        );
        await query(tx, 'update journal_line set amount = amount + 1 where entry_id = ? and amount > 0', [
          entry,
        ]);
        const report = await verifyLedger(tx);
        expect(report.ok).toBe(false);
        expect(report.problems.map((p) => p.check)).toEqual(
          expect.arrayContaining(['entry balances per currency', 'posted balances equal line sums']),
        );
        throw new Error('roll back the tampering');
      })
      .catch((error: Error) => expect(error.message).toBe('roll back the tampering'));
    expect((await verifyLedger(em())).ok).toBe(true);
  });
});
