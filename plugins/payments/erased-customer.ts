import type { EntityManager } from '@mikro-orm/core';
import { query } from '../../core/plugin-api.ts';
import { CustomerErasedError } from './payment-errors.ts';

/**
 * Refuses a new payment for a customer the merchant erased: its privacy subject is shredded, so
 * charging it again would attach new payment records to a person the gateway no longer knows.
 * One indexed read, before anything is written; an unknown customer passes here and is refused
 * as not found by the path that reads it. A customer erased between this read and the payment's
 * commit is charged once more, as a payment the erasure had just missed would be: that payment
 * names nobody, since the key is gone.
 */
export async function refuseErasedCustomer(
  em: EntityManager,
  merchantId: string,
  customerId: string,
): Promise<void> {
  const [erased] = await query<{ id: string }>(
    em,
    `select c.id from customer c join privacy_subject s on s.id = c.subject_id
      where c.id = ? and c.merchant_id = ? and s.shredded_at is not null`,
    [customerId, merchantId],
  );
  if (erased) throw new CustomerErasedError(customerId);
}
