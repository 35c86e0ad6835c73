import type { Customer } from './customer.entity.ts';
import type { PaymentIntent } from './payment-intent.entity.ts';
import type { PaymentMethod } from './payment-method.ts';
import type { PaymentOperation } from './payment-operation.entity.ts';

/** What an operation's start wrote in the first transaction, and whom its call concerns. */
export interface StartedOperation {
  payment: PaymentIntent;
  op: PaymentOperation;
  method: PaymentMethod;
  customer: Customer;
  /** The customer's answer to a required action; set for `confirm` only. */
  response?: string;
}
