import type { MikroORM } from '@mikro-orm/core';
import { expect, test, vi } from 'vitest';
import { createLogger } from '../../../core/logging.ts';
import { PayFromAccountBatcher } from '../../../plugins/payments/pay-from-account-batcher.ts';
import { walletItem } from './support.ts';

const none = { detail: null, payment_id: null, created_ms: null };

test('an answer the batcher cannot read fails its own payment only, and the batch is not sent again', async () => {
  // Each call answers one batch: the first payment goes alone, the other three wait and travel together.
  const execute = vi
    .fn()
    .mockResolvedValueOnce([{ n: 0, outcome: 'captured', detail: null, payment_id: 'p-0', created_ms: '1' }])
    .mockResolvedValueOnce([
      { ...none, n: 0, outcome: 'teleported' },
      // A captured payment must name itself; this one does not.
      { ...none, n: 1, outcome: 'captured' },
      { ...none, n: 2, outcome: 'insufficient_funds', detail: '5' },
    ]);
  const orm = { em: { fork: () => ({ execute }) } } as unknown as MikroORM;
  const batcher = new PayFromAccountBatcher(orm, createLogger({ level: 'silent' }), {
    concurrency: 1,
    maxSize: 100,
    idempotencyTtlSeconds: 86_400,
    merchantBalanceStripes: 4,
  });
  const holder = { customerId: 'customer', walletId: 'wallet' };
  const settled = await Promise.allSettled(
    Array.from({ length: 4 }, () => batcher.pay(walletItem('merchant', holder, '10'))),
  );
  expect(settled.map((s) => (s.status === 'fulfilled' ? s.value.outcome : String(s.reason)))).toEqual([
    'captured',
    'Error: payments_pay_from_accounts answered teleported',
    'Error: payments_pay_from_accounts answered captured',
    'insufficient_funds',
  ]);
  // Sent again, the committed batch would have paid twice.
  expect(execute).toHaveBeenCalledTimes(2);
});
