import { randomUUID } from 'node:crypto';
import { defineEntity, p } from '@mikro-orm/core';
import { LedgerHold } from './ledger/ledger-hold.entity.ts';
import { PaymentIntent } from './payment-intent.entity.ts';
import { OPERATION_KINDS, OPERATION_STATUSES, PAYMENT_STATUSES } from './payment-status.ts';

const PaymentOperationSchema = defineEntity({
  name: 'PaymentOperation',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    payment: () => p.manyToOne(PaymentIntent),
    kind: p.enum(OPERATION_KINDS),
    amount: p.bigint(),
    status: p.enum(OPERATION_STATUSES),
    /** The payment's status when the operation began: where a failed capture or refund returns to. */
    fromStatus: p.enum(PAYMENT_STATUSES),
    /** Sent to the method as its idempotency key; asked about by the janitor. */
    operationKey: p.string().length(120).unique(),
    reference: p.string().length(255).nullable(),
    declineReason: p.string().length(40).nullable(),
    message: p.string().length(200).nullable(),
    /** A capture that releases whatever of the authorization it does not take. */
    releasesRemainder: p.boolean(),
    /** A refund's reservation on the payee's account while the method is asked. */
    hold: () => p.manyToOne(LedgerHold).nullable(),
    checks: p.integer(),
    nextCheckAt: p.datetime().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    resolvedAt: p.datetime().nullable(),
  },
  indexes: [
    { name: 'payment_operation_payment_id_index', properties: ['payment'] },
    {
      name: 'payment_operation_due_index',
      properties: ['nextCheckAt'],
      where: "status in ('started', 'pending', 'unknown')",
    },
  ],
  uniques: [
    {
      name: 'payment_operation_one_unresolved_unique',
      properties: ['payment'],
      where: "status in ('started', 'pending', 'unknown')",
    },
  ],
});

/** One call to a payment method (authorize, confirm, capture, void, refund) and its outcome. */
export class PaymentOperation extends PaymentOperationSchema.class {}
PaymentOperationSchema.setClass(PaymentOperation);

export { PaymentOperationSchema };
