/** A limit (a carrier's monthly cap, a merchant's ceiling) would be passed. Payment methods throw it too. */
export class LimitExceededError extends GatewayError {
  readonly limit: Money | null;
  readonly remaining: Money | null;

  constructor(message: string, amounts: { limit?: Money | null; remaining?: Money | null } = {}) {
    super('LIMIT_EXCEEDED', message);
    this.limit = amounts.limit ?? null;
    this.remaining = amounts.remaining ?? null;
  }
}

/** The operation is not allowed in the payment's current state (e.g. capturing a voided payment). */
export class InvalidTransitionError extends GatewayError {
  readonly from: string;
  readonly operation: string;

  constructor(from: string, operation: string, message?: string) {
    super('INVALID_TRANSITION', message ?? `A payment that is ${from} cannot be ${pastTense(operation)}`);
    this.from = from;
    this.operation = operation;
  }
}

function pastTense(operation: string): string {
  const forms: Record<string, string> = {
    authorize: 'authorized',
    confirm: 'confirmed',
    capture: 'captured',
    void: 'voided',
    refund: 'refunded',
    expire: 'expired',
  };
  return forms[operation] ?? `moved by ${operation}`;
}

/**
 * A `payment.beforeAuthorize` handler refused the payment. Nothing was written, so the
 * Idempotency-Key stays free and a retry asks the handlers again.
 */
export class PaymentBlockedError extends GatewayError {
  readonly score: number;
  readonly reasons: readonly string[];

  constructor(verdict: { score: number; reasons: readonly string[] }) {
    super('PAYMENT_BLOCKED', 'The payment was refused before authorization');
    this.score = verdict.score;
    this.reasons = verdict.reasons;
  }
}

/** The Idempotency-Key was first used for a different request (HTTP 422 semantics). */
export class IdempotencyConflictError extends GatewayError {
  readonly key: string;

  constructor(key: string) {
    super('IDEMPOTENCY_CONFLICT', 'This Idempotency-Key was already used for a different request');
    this.key = key;
  }
}

/** The first request with this Idempotency-Key is still running (HTTP 409 semantics): retry later. */
export class IdempotencyInFlightError extends GatewayError {
  readonly key: string;

  constructor(key: string) {
    super('IDEMPOTENCY_IN_FLIGHT', 'A request with this Idempotency-Key is still in progress; retry shortly');
    this.key = key;
  }
}

import { GatewayError, type Money } from '../../core/plugin-api.ts';

/**
 * The customer's personal data was erased (its subject key is shredded): a new payment would
 * charge a person the gateway no longer knows and must not link again. Nothing was written.
 */
export class CustomerErasedError extends GatewayError {
  readonly customerId: string;

  constructor(customerId: string) {
    super('CUSTOMER_ERASED', 'This customer’s personal data was erased: it cannot be charged any more');
    this.customerId = customerId;
  }
}
