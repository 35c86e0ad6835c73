import type { EntityManager } from '@mikro-orm/core';
import { isUuid, NotFoundError, query } from '../../core/plugin-api.ts';
import { CustomerErasedError } from './payment-errors.ts';

/**
 * Why a payment found no customer to charge. Both payment paths read the customer only while its
 * privacy subject is live (the batch's `payments_batch_items`, migration 0020; the general
 * path's first read, NewPaymentStarter), so an erased customer is refused at no extra round trip.
 * Only once refused is this asked, to tell the merchant which: an erased customer, whose key is
 * shredded and who must not be linked to new records, or none at all.
 */
export async function customerNotFound(
  em: EntityManager,
  merchantId: string,
  customerId: string,
): Promise<never> {
  if (!isUuid(customerId)) throw new NotFoundError('Customer', customerId);
  const [erased] = await query<{ id: string }>(
    em,
    `select c.id from customer c join privacy_subject s on s.id = c.subject_id
      where c.id = ? and c.merchant_id = ? and s.shredded_at is not null`,
    [customerId, merchantId],
  );
  throw erased ? new CustomerErasedError(customerId) : new NotFoundError('Customer', customerId);
}
