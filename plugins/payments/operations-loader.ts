import DataLoader from 'dataloader';
import type { RequestContext } from '../../core/plugin-api.ts';
import { PaymentOperation } from './payment-operation.entity.ts';

/**
 * `Payment.operations` for every payment a request resolves in the same tick, in one query: a
 * page of 100 payments with their operations was 101 queries. One loader per request context
 * (held weakly, so it goes with the request). It batches only and does not cache: a
 * subscription's context lives for hours, and a payment's operations change.
 */
const loaders = new WeakMap<RequestContext, DataLoader<string, PaymentOperation[]>>();

export function loadOperations(ctx: RequestContext, paymentId: string): Promise<PaymentOperation[]> {
  let loader = loaders.get(ctx);
  if (!loader) {
    loader = new DataLoader((ids) => operationsOf(ctx, ids), { cache: false, maxBatchSize: 500 });
    loaders.set(ctx, loader);
  }
  return loader.load(paymentId);
}

async function operationsOf(ctx: RequestContext, ids: readonly string[]): Promise<PaymentOperation[][]> {
  const rows = await ctx.em.find(
    PaymentOperation,
    { payment: { $in: [...ids] } },
    { populate: ['payment'], orderBy: { createdAt: 'asc', id: 'asc' } },
  );
  const byPayment = new Map<string, PaymentOperation[]>(ids.map((id) => [id, []]));
  for (const row of rows) byPayment.get(row.payment.id)?.push(row);
  return ids.map((id) => byPayment.get(id) ?? []);
}
