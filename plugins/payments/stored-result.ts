import { GatewayError, type Money, NotFoundError, ValidationError } from '../../core/plugin-api.ts';
import type { StoredResult } from './idempotency-record.entity.ts';
import { InsufficientFundsError } from './ledger/ledger-errors.ts';
import { InvalidTransitionError, LimitExceededError } from './payment-errors.ts';

type StoredMoney = { amount: string; currency: string } | null;

const store = (m: Money | null): StoredMoney =>
  m ? { amount: m.amount.toString(), currency: m.currency } : null;
const revive = (m: unknown): Money | null => {
  const stored = m as StoredMoney;
  return stored ? { amount: BigInt(stored.amount), currency: stored.currency } : null;
};

export function paymentResult(id: string): StoredResult {
  return { type: 'Payment', id };
}

/** A typed error as it is kept with an Idempotency-Key, to be returned again on a retry. */
export function errorResult(error: GatewayError): StoredResult {
  const fields: Record<string, unknown> = { code: error.code, message: error.message };
  if (error instanceof LimitExceededError)
    Object.assign(fields, { limit: store(error.limit), remaining: store(error.remaining) });
  if (error instanceof InsufficientFundsError)
    Object.assign(fields, { available: store(error.available), requested: store(error.requested) });
  if (error instanceof InvalidTransitionError)
    Object.assign(fields, { from: error.from, operation: error.operation });
  if (error instanceof ValidationError) Object.assign(fields, { field: error.field });
  if (error instanceof NotFoundError) Object.assign(fields, { resource: error.resource });
  return { type: error.constructor.name, fields };
}

export function reviveError(result: StoredResult): GatewayError {
  const f = result.fields ?? {};
  const message = String(f.message ?? '');
  switch (result.type) {
    case 'LimitExceededError':
      return new LimitExceededError(message, { limit: revive(f.limit), remaining: revive(f.remaining) });
    case 'InsufficientFundsError':
      return new InsufficientFundsError(revive(f.available)!, revive(f.requested)!);
    case 'InvalidTransitionError':
      return new InvalidTransitionError(String(f.from), String(f.operation), message);
    case 'ValidationError':
      return new ValidationError(String(f.field), message);
    default:
      return new GatewayError(String(f.code ?? 'ERROR'), message);
  }
}
