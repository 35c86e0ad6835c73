import { LockMode } from '@mikro-orm/core';
import type { RequestContext } from '../../core/plugin-api.ts';
import { unresolvedOperation } from './operation-settler.ts';
import { PaymentIntent } from './payment-intent.entity.ts';
import type { PaymentTransitions } from './payment-transitions.ts';

/**
 * Releases an authorization past its hold, or an action nobody completed (the janitor's).
 * False when the payment is not due, or an operation on it is still unresolved: its outcome
 * decides first.
 */
export function expirePayment(
  ctx: RequestContext,
  transitions: PaymentTransitions,
  paymentId: string,
): Promise<boolean> {
  return ctx.em.fork().transactional(async (tx) => {
    const payment = await tx.findOne(PaymentIntent, paymentId, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!payment) return false;
    const due =
      ((payment.status === 'authorized' || payment.status === 'partially_captured') &&
        payment.authorizationExpiresAt &&
        payment.authorizationExpiresAt.getTime() <= Date.now()) ||
      (payment.status === 'requires_action' &&
        payment.actionExpiresAt &&
        payment.actionExpiresAt.getTime() <= Date.now());
    if (!due || (await unresolvedOperation(tx, payment.id))) return false;
    await transitions.expire(tx, payment);
    return true;
  });
}
