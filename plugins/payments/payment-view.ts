import type { PaymentIntent } from './payment-intent.entity.ts';

/**
 * What the API shows of a payment: the GraphQL `Payment`. A loaded `PaymentIntent` is one. The
 * wallet hot path answers with a plain one, built from what it sent and what the database
 * answered: turning that answer into a managed entity cost about a fifth of the gateway's CPU
 * per payment (BENCHMARKS.md).
 */
export type PaymentView = Pick<
  PaymentIntent,
  | 'id'
  | 'method'
  | 'purpose'
  | 'status'
  | 'captureMethod'
  | 'currency'
  | 'amount'
  | 'authorizedAmount'
  | 'capturedAmount'
  | 'refundedAmount'
  | 'feeMicros'
  | 'feeReturnedMicros'
  | 'description'
  | 'metadata'
  | 'review'
  | 'declineReason'
  | 'declineMessage'
  | 'actionType'
  | 'actionHint'
  | 'actionExpiresAt'
  | 'authorizationExpiresAt'
  | 'createdAt'
  | 'updatedAt'
> & {
  merchant: { id: string };
  customer: { id: string };
};
