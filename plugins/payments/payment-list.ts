import type { FilterQuery } from '@mikro-orm/core';
import type { ResolveCursorConnectionArgs } from '@pothos/plugin-relay';
import { type AuthenticatedContext, isUuid, merchantFilter, ValidationError } from '../../core/plugin-api.ts';
import { PaymentIntent } from './payment-intent.entity.ts';
import type { PaymentStatus } from './payment-status.ts';

export interface PaymentFilter {
  status?: readonly PaymentStatus[] | null;
  createdAfter?: Date | null;
  createdBefore?: Date | null;
  customerId?: string | null;
}

/** An opaque cursor: the position (created, id) in the newest-first order. */
export function paymentCursor(payment: PaymentIntent): string {
  return Buffer.from(`${payment.createdAt.getTime()}:${payment.id}`).toString('base64url');
}

function position(cursor: string): { createdAt: Date; id: string } {
  const [ms, id] = Buffer.from(cursor, 'base64url').toString().split(':');
  if (!ms || !/^\d+$/.test(ms) || !id || !isUuid(id))
    throw new ValidationError('after', 'not a payments cursor');
  return { createdAt: new Date(Number(ms)), id };
}

type Where = FilterQuery<PaymentIntent>;

const olderThan = ({ createdAt, id }: { createdAt: Date; id: string }): Where => ({
  $or: [{ createdAt: { $lt: createdAt } }, { createdAt, id: { $lt: id } }],
});
const newerThan = ({ createdAt, id }: { createdAt: Date; id: string }): Where => ({
  $or: [{ createdAt: { $gt: createdAt } }, { createdAt, id: { $gt: id } }],
});

/** A page of the payments the principal may see, newest first (keyset pagination). */
export function listPayments(
  ctx: AuthenticatedContext,
  filter: PaymentFilter,
  page: ResolveCursorConnectionArgs,
): Promise<PaymentIntent[]> {
  const where: Where[] = [merchantFilter(ctx.principal) as Where];
  if (ctx.principal.kind === 'customer') where.push({ customer: { subject: ctx.principal.subjectId } });
  if (filter.status?.length) where.push({ status: { $in: [...filter.status] } });
  if (filter.createdAfter) where.push({ createdAt: { $gte: filter.createdAfter } });
  if (filter.createdBefore) where.push({ createdAt: { $lt: filter.createdBefore } });
  if (filter.customerId) {
    if (!isUuid(filter.customerId)) return Promise.resolve([]);
    where.push({ customer: filter.customerId });
  }
  if (page.after) where.push(olderThan(position(page.after)));
  if (page.before) where.push(newerThan(position(page.before)));
  const direction = page.inverted ? 'asc' : 'desc';
  return ctx.em.find(
    PaymentIntent,
    { $and: where },
    {
      orderBy: { createdAt: direction, id: direction },
      limit: page.limit,
    },
  );
}
