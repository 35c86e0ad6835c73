import type { GatewayBuilder } from '../../schema/builder.ts';
import { GatewayError, NotFoundError, ValidationError } from '../../schema/errors.ts';
import { moneyRefs } from '../../schema/money.schema.ts';
import { InsufficientFundsError } from './ledger/ledger-errors.ts';
import {
  IdempotencyConflictError,
  IdempotencyInFlightError,
  InvalidTransitionError,
  LimitExceededError,
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
];

export function registerPaymentErrorTypes(builder: GatewayBuilder): void {
  const { Money } = moneyRefs(builder);
  builder.objectType(InsufficientFundsError, {
    name: 'InsufficientFundsError',
    interfaces: [GatewayError],
    authScopes: { public: true },
    isTypeOf: (value) => value instanceof InsufficientFundsError,
    fields: (t) => ({
      available: t.field({ type: Money, resolve: (e) => e.available }),
      requested: t.field({ type: Money, resolve: (e) => e.requested }),
    }),
  });
  builder.objectType(LimitExceededError, {
    name: 'LimitExceededError',
    interfaces: [GatewayError],
    authScopes: { public: true },
    isTypeOf: (value) => value instanceof LimitExceededError,
    fields: (t) => ({
      limit: t.field({ type: Money, nullable: true, resolve: (e) => e.limit }),
      remaining: t.field({ type: Money, nullable: true, resolve: (e) => e.remaining }),
    }),
  });
  builder.objectType(InvalidTransitionError, {
    name: 'InvalidTransitionError',
    interfaces: [GatewayError],
    authScopes: { public: true },
    isTypeOf: (value) => value instanceof InvalidTransitionError,
    fields: (t) => ({
      from: t.exposeString('from', { description: 'The payment status the operation was refused in.' }),
      operation: t.exposeString('operation'),
    }),
  });
  builder.objectType(IdempotencyConflictError, {
    name: 'IdempotencyConflictError',
    description: 'The key was first used for a different request (HTTP 422 semantics).',
    interfaces: [GatewayError],
    authScopes: { public: true },
    isTypeOf: (value) => value instanceof IdempotencyConflictError,
    fields: (t) => ({ key: t.exposeString('key') }),
  });
  builder.objectType(IdempotencyInFlightError, {
    description: 'The first request with this key is still running (HTTP 409 semantics); retry shortly.',
    name: 'IdempotencyInFlightError',
    interfaces: [GatewayError],
    authScopes: { public: true },
    isTypeOf: (value) => value instanceof IdempotencyInFlightError,
    fields: (t) => ({ key: t.exposeString('key') }),
  });
}
