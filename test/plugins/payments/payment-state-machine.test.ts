import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { TestGateway } from '../../../core/testing/create-test-gateway.ts';
import type { HttpGraphQLClient } from '../../../core/testing/graphql-clients.ts';
import { InvalidTransitionError } from '../../../plugins/payments/payment-errors.ts';
import {
  assertTransition,
  canTransition,
  TERMINAL_STATUSES,
} from '../../../plugins/payments/payment-state-machine.ts';
import { PAYMENT_STATUSES } from '../../../plugins/payments/payment-status.ts';
import { walletPlugin } from '../../../plugins/wallet/index.ts';
import { createFakeAcquirer } from './fake-acquirer.ts';
import {
  bootPayments,
  CAPTURE,
  CREATE_PAYMENT,
  createCustomer,
  ledgerIsSound,
  mutate,
  REFUND,
  VOID,
} from './support.ts';

describe('the transition table', () => {
  test('illegal transitions are typed errors; terminal states go nowhere; every state is reachable', () => {
    fc.assert(
      fc.property(fc.constantFrom(...PAYMENT_STATUSES), fc.constantFrom(...PAYMENT_STATUSES), (from, to) => {
        if (canTransition(from, to)) expect(() => assertTransition(from, to, 'capture')).not.toThrow();
        else expect(() => assertTransition(from, to, 'capture')).toThrow(InvalidTransitionError);
        if (TERMINAL_STATUSES.includes(from)) expect(canTransition(from, to)).toBe(false);
      }),
    );
    const reached = new Set(['created']);
    for (let grew = true; grew; ) {
      grew = false;
      for (const from of [...reached])
        for (const to of PAYMENT_STATUSES)
          if (canTransition(from as never, to) && !reached.has(to)) {
            reached.add(to);
            grew = true;
          }
    }
    expect([...reached].sort()).toEqual([...PAYMENT_STATUSES].sort());
  });
});

type Op =
  | { kind: 'create'; manual: boolean; amount: number; external: boolean }
  | { kind: 'capture'; pick: number; part: number | null; release: boolean }
  | { kind: 'void'; pick: number }
  | { kind: 'refund'; pick: number; part: number | null };

interface Model {
  id: string;
  status: string;
  authorized: bigint;
  captured: bigint;
  refunded: bigint;
  wallet: boolean;
}

let t: TestGateway;
let shop: HttpGraphQLClient;
const network = createFakeAcquirer();

beforeAll(async () => {
  t = await bootPayments([network.plugin, walletPlugin]);
  shop = (await t.createMerchant('Property shop')).client;
});
afterAll(() => t?.close());

const part = fc.option(fc.integer({ min: 1, max: 400 }), { nil: null });
const pick = fc.nat(10);
const operation: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('create' as const),
    manual: fc.boolean(),
    amount: fc.integer({ min: 1, max: 600 }),
    external: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('capture' as const), pick, part, release: fc.boolean() }),
  fc.record({ kind: fc.constant('void' as const), pick }),
  fc.record({ kind: fc.constant('refund' as const), pick, part }),
);

describe('payments over random operation sequences (wallet and card)', () => {
  test('every response matches a simple model, illegal steps are InvalidTransition, the ledger balances', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { minLength: 3, maxLength: 12 }), async (ops) => {
        const customerId = await createCustomer(shop, `prop-${++run}`);
        const { createWallet } = await shop.data<{ createWallet: { id: string } }>(
          'mutation($c: ID!) { createWallet(input: { customerId: $c, currency: "KRW" }) { ... on Wallet { id } } }',
          { c: customerId },
        );
        const walletId = createWallet.id;
        await mutate(shop, 'mutation($i: TopUpWalletInput!) { topUpWallet(input: $i) { __typename } }', {
          i: {
            walletId,
            method: 'test-card',
            sourceId: 'approve',
            amount: { amount: '1000', currency: 'KRW' },
          },
        });
        let available = 1000n;
        const payments: Model[] = [];
        const money = (n: bigint) => ({ amount: n.toString(), currency: 'KRW' });

        for (const op of ops) {
          if (op.kind === 'create') {
            const amount = BigInt(op.amount);
            const result = await mutate(shop, CREATE_PAYMENT, {
              input: {
                customerId,
                method: op.external ? 'test-card' : 'wallet',
                sourceId: op.external ? 'approve' : walletId,
                amount: money(amount),
                captureMethod: op.manual ? 'manual' : 'automatic',
              },
            });
            if (!op.external && amount > available) {
              expect(result.__typename).toBe('InsufficientFundsError');
              continue;
            }
            expect(result.status).toBe(op.manual ? 'authorized' : 'captured');
            if (!op.external) available -= amount;
            payments.push({
              id: result.id,
              status: result.status,
              authorized: amount,
              captured: op.manual ? 0n : amount,
              refunded: 0n,
              wallet: !op.external,
            });
            continue;
          }
          const p = payments[op.pick % Math.max(1, payments.length)];
          if (!p) continue;
          if (op.kind === 'capture') {
            const capturable = p.authorized - p.captured;
            const amount = op.part === null ? capturable : BigInt(op.part);
            const result = await mutate(shop, CAPTURE, {
              id: p.id,
              amount: op.part === null ? null : money(amount),
              release: op.release,
            });
            if (!['authorized', 'partially_captured'].includes(p.status)) {
              expect(result).toMatchObject({
                __typename: 'InvalidTransitionError',
                from: p.status,
                operation: 'capture',
              });
            } else if (amount > capturable) {
              expect(result).toMatchObject({ __typename: 'ValidationError', field: 'amount' });
            } else {
              p.captured += amount;
              const releases = op.release || p.captured === p.authorized;
              if (releases && p.wallet) available += p.authorized - p.captured;
              p.status = releases ? 'captured' : 'partially_captured';
              expect(result).toMatchObject({
                status: p.status,
                capturedAmount: { amount: p.captured.toString() },
              });
            }
          } else if (op.kind === 'void') {
            const result = await mutate(shop, VOID, { id: p.id });
            if (!['authorized', 'partially_captured'].includes(p.status)) {
              expect(result).toMatchObject({
                __typename: 'InvalidTransitionError',
                from: p.status,
                operation: 'void',
              });
            } else {
              if (p.wallet) available += p.authorized - p.captured;
              p.status = p.status === 'partially_captured' ? 'captured' : 'voided';
              expect(result.status).toBe(p.status);
            }
          } else {
            const refundable = p.captured - p.refunded;
            const amount = op.part === null ? refundable : BigInt(op.part);
            const result = await mutate(shop, REFUND, {
              id: p.id,
              amount: op.part === null ? null : money(amount),
            });
            if (!['captured', 'partially_refunded'].includes(p.status)) {
              expect(result).toMatchObject({
                __typename: 'InvalidTransitionError',
                from: p.status,
                operation: 'refund',
              });
            } else if (amount > refundable) {
              expect(result).toMatchObject({ __typename: 'ValidationError', field: 'amount' });
            } else {
              p.refunded += amount;
              if (p.wallet) available += amount;
              p.status = p.refunded === p.captured ? 'refunded' : 'partially_refunded';
              expect(result).toMatchObject({
                status: p.status,
                refundedAmount: { amount: p.refunded.toString() },
              });
            }
          }
        }
        const { wallet } = await shop.data<{ wallet: { balance: { amount: string } } }>(
          'query($id: ID!) { wallet(id: $id) { ... on Wallet { balance { amount } } } }',
          { id: walletId },
        );
        expect(wallet.balance.amount).toBe(available.toString());
      }),
      { numRuns: 15 },
    );
    expect(await ledgerIsSound(t)).toEqual({ ok: true, problems: [] });
  });
});
