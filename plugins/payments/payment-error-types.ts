import {
  type GatewayBuilder,
  moneyRefs,
  NotFoundError,
  registerErrorType,
  ValidationError,
} from '../../core/plugin-api.ts';
import { InsufficientFundsError } from './ledger/ledger-errors.ts';
import {
  CustomerErasedError,
  IdempotencyConflictError,
  IdempotencyInFlightError,
  InvalidTransitionError,
  LimitExceededError,
  PaymentBlockedError,
} from './payment-errors.ts';

/** The typed errors any mutation that moves money may return; plugins list these on their own fields. */
export const MONEY_MOVEMENT_ERRORS = [
  ValidationError,
  NotFoundError,
  InvalidTransitionError,
  InsufficientFundsError,
  LimitExceededError,
  IdempotencyConflictError,
  IdempotencyInFlightError,
  PaymentBlockedError,
  CustomerErasedError,
];

export function registerPaymentErrorTypes(builder: GatewayBuilder): void {
  const { Money } = moneyRefs(builder);
  registerErrorType(builder, InsufficientFundsError, {
    fields: (t) => ({
      available: t.field({ type: Money, resolve: (e) => e.available }),
      requested: t.field({ type: Money, resolve: (e) => e.requested }),
    }),
  });
  registerErrorType(builder, LimitExceededError, {
    fields: (t) => ({
      limit: t.field({ type: Money, nullable: true, resolve: (e) => e.limit }),
      remaining: t.field({ type: Money, nullable: true, resolve: (e) => e.remaining }),
    }),
  });
  registerErrorType(builder, InvalidTransitionError, {
    fields: (t) => ({
      from: t.exposeString('from', { description: 'The payment status the operation was refused in.' }),
      operation: t.exposeString('operation'),
    }),
  });
  registerErrorType(builder, IdempotencyConflictError, {
    description: 'The key was first used for a different request (HTTP 422 semantics).',
    fields: (t) => ({ key: t.exposeString('key') }),
  });
  registerErrorType(builder, IdempotencyInFlightError, {
    description: 'The first request with this key is still running (HTTP 409 semantics); retry shortly.',
    fields: (t) => ({ key: t.exposeString('key') }),
  });
  registerErrorType(builder, PaymentBlockedError, {
    description: 'A `payment.beforeAuthorize` handler refused the payment; nothing was written.',
    fields: (t) => ({
      score: t.exposeInt('score', { description: '0-100: the highest risk score a handler gave.' }),
      reasons: t.stringList({ resolve: (e) => [...e.reasons] }),
    }),
  });
  registerErrorType(builder, CustomerErasedError, {
    description: 'The customer’s personal data was erased (its key shredded); nothing was written.',
    fields: (t) => ({ customerId: t.exposeString('customerId') }),
  });
}
