import { isUuid, merchantFilter, NotFoundError, type RequestContext } from '../../core/plugin-api.ts';
import type { StoredResult } from './idempotency-record.entity.ts';
import { loadOperations } from './operations-loader.ts';
import { PaymentIntent } from './payment-intent.entity.ts';
import type { PaymentOperation } from './payment-operation.entity.ts';
import { reviveError } from './stored-result.ts';

/**
 * Payments as the principal may see them, read the same way by the queries and by a replayed
 * Idempotency-Key, so that a retry never shows more than a first read would.
 */
export async function readPayment(ctx: RequestContext, id: string): Promise<PaymentIntent> {
  const filter = merchantFilter(ctx.principal);
  // A customer session sees only its own payments.
  const self = ctx.principal.kind === 'customer' ? { customer: { subject: ctx.principal.subjectId } } : {};
  const payment =
    filter && isUuid(id) ? await ctx.em.findOne(PaymentIntent, { id, ...filter, ...self }) : null;
  if (!payment) throw new NotFoundError('Payment', id);
  return payment;
}

/** A payment's operations, oldest first, batched with the other payments of the same request. */
export function readOperations(ctx: RequestContext, payment: { id: string }): Promise<PaymentOperation[]> {
  return loadOperations(ctx, payment.id);
}

/** What a key's stored result answers again: its payment as it is now, or the same typed error. */
export async function replayStored(ctx: RequestContext, result: StoredResult): Promise<PaymentIntent> {
  if (result.type === 'Payment' && result.id) return readPayment(ctx, result.id);
  throw reviveError(result);
}
