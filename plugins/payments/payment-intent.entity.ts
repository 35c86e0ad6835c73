import { randomUUID } from 'node:crypto';
import { defineEntity, p } from '@mikro-orm/core';
import { Merchant } from '../../core/plugin-api.ts';
import { Customer } from './customer.entity.ts';
import { FEE_REFUND_POLICIES } from './fees/fee-pricing.entity.ts';
import { LedgerAccount } from './ledger/ledger-account.entity.ts';
import { LedgerHold } from './ledger/ledger-hold.entity.ts';
import type { PaymentReview } from './payment-review.ts';
import { ACTION_TYPES, CAPTURE_METHODS, PAYMENT_STATUSES } from './payment-status.ts';

export interface MetadataEntry {
  key: string;
  value: string;
}

const PaymentIntentSchema = defineEntity({
  name: 'PaymentIntent',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    /** No foreign key on the two hot references (one row per merchant): see JournalLine.account. */
    merchant: () => p.manyToOne(Merchant).createForeignKeyConstraint(false),
    customer: () => p.manyToOne(Customer),
    /** The payment method's id (`wallet`, `sandbox-card`, ...). */
    method: p.string().length(60),
    /** The method's reference to what pays: a card token, a verified subscription, a wallet. */
    sourceId: p.string().length(255),
    /** `payment` to the merchant, or `top_up` of a wallet. */
    purpose: p.string().length(20),
    /** Where the money comes from in the ledger: the wallet, or the method's clearing account. */
    fundingAccount: () => p.manyToOne(LedgerAccount),
    /** Where it goes: the merchant's payable account, or the wallet being topped up. */
    payeeAccount: () => p.manyToOne(LedgerAccount).createForeignKeyConstraint(false),
    currency: p.string().length(3),
    amount: p.bigint(),
    authorizedAmount: p.bigint(),
    capturedAmount: p.bigint(),
    refundedAmount: p.bigint(),
    captureMethod: p.enum(CAPTURE_METHODS),
    status: p.enum(PAYMENT_STATUSES),
    declineReason: p.string().length(40).nullable(),
    declineMessage: p.string().length(200).nullable(),
    actionType: p.enum(ACTION_TYPES).nullable(),
    actionHint: p.string().length(200).nullable(),
    actionExpiresAt: p.datetime().nullable(),
    /** The method's own reference from authorize. */
    methodReference: p.string().length(255).nullable(),
    /** The authorization's pending hold in the ledger, while there is one. */
    hold: () => p.manyToOne(LedgerHold).nullable(),
    authorizationExpiresAt: p.datetime().nullable(),
    description: p.string().length(500).nullable(),
    metadata: p.json<MetadataEntry[]>(),
    /** Set when a `payment.beforeAuthorize` handler held the payment for a person's review. */
    review: p.json<PaymentReview>().nullable(),
    /** The fee charged on what was captured, in millionths of a minor unit (exact; posted via FeeAccrual). */
    feeMicros: p.bigint().default(0),
    /** The part of the fee refunds gave back, in millionths of a minor unit. */
    feeReturnedMicros: p.bigint().default(0),
    /** What a refund does to the fee, as the pricing said when the fee was charged; null while none was. */
    feeOnRefund: p.enum(FEE_REFUND_POLICIES).nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
  indexes: [
    { name: 'payment_intent_merchant_id_created_at_index', properties: ['merchant', 'createdAt', 'id'] },
    // A customer's history, oldest first: the keyset pages of a subject's export and erasure.
    {
      name: 'payment_intent_customer_id_created_at_id_index',
      properties: ['customer', 'createdAt', 'id'],
    },
    {
      name: 'payment_intent_authorization_expires_at_index',
      properties: ['authorizationExpiresAt'],
      where: "status in ('authorized', 'partially_captured')",
    },
    {
      name: 'payment_intent_awaiting_capture_index',
      properties: ['authorizationExpiresAt'],
      where: "status = 'authorized' and capture_method = 'automatic' and captured_amount = 0",
    },
    {
      name: 'payment_intent_action_expires_at_index',
      properties: ['actionExpiresAt'],
      where: "status = 'requires_action'",
    },
  ],
  checks: [
    {
      name: 'payment_intent_amounts_check',
      expression:
        'amount > 0 and authorized_amount >= 0 and authorized_amount <= amount and captured_amount >= 0 and captured_amount <= authorized_amount and refunded_amount >= 0 and refunded_amount <= captured_amount',
    },
  ],
});

/** A customer's intent to pay a merchant, and everything that happened to it since. */
export class PaymentIntent extends PaymentIntentSchema.class {}
PaymentIntentSchema.setClass(PaymentIntent);

export { PaymentIntentSchema };
