/** The paying account would go below zero (posted plus reserved). Nothing was moved. */
export class InsufficientFundsError extends GatewayError {
  readonly available: Money;
  readonly requested: Money;

  constructor(available: Money, requested: Money) {
    super('INSUFFICIENT_FUNDS', 'The balance is not enough for this amount');
    this.available = available;
    this.requested = requested;
  }
}

/** A hold that was already posted or voided: the second phase happens at most once. */
export class HoldNotPendingError extends Error {
  override readonly name = 'HoldNotPendingError';
}

/** The database refused a request that our own code should never make (a bug, not bad input). */
export class LedgerMisuseError extends Error {
  override readonly name = 'LedgerMisuseError';
}

/** SQLSTATEs the ledger's database functions raise. */
export const LEDGER_SQLSTATE = {
  insufficientFunds: 'GW001',
  holdNotPending: 'GW002',
  misuse: 'GW901',
} as const;

/** The SQLSTATE of a database error, whichever driver (pg, PGlite) and wrapper (MikroORM) it came through. */
export function sqlState(error: unknown): string | undefined {
  for (let e = error as { code?: unknown; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) return e.code;
  }
  return undefined;
}

export function sqlDetail(error: unknown): string | undefined {
  for (let e = error as { detail?: unknown; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (typeof e.detail === 'string') return e.detail;
  }
  return undefined;
}

import { GatewayError, type Money } from '../../../core/plugin-api.ts';
