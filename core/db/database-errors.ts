import { DriverException } from '@mikro-orm/core';

/**
 * What a database error says about its cause, read from its SQLSTATE and the Node error code
 * (never from its message, which quotes the values that were sent).
 */

/** Every error in a chain: the error, its `cause`s, and the errors an AggregateError holds. */
export function errorChain(error: unknown): Record<string, unknown>[] {
  const chain: Record<string, unknown>[] = [];
  const pending: unknown[] = [error];
  while (pending.length > 0 && chain.length < 20) {
    const next = pending.shift();
    if (!next || typeof next !== 'object' || chain.includes(next as Record<string, unknown>)) continue;
    const item = next as Record<string, unknown>;
    chain.push(item);
    pending.push(item.cause);
    if (Array.isArray(item.errors)) pending.push(...item.errors);
  }
  return chain;
}

const SQLSTATE = /^[0-9A-Z]{5}$/;

/** The SQLSTATE of a server error anywhere in the chain, e.g. `22P02`. */
export function sqlStateOf(error: unknown): string | undefined {
  for (const item of errorChain(error)) {
    const code = item.sqlState ?? item.code;
    if (typeof code === 'string' && SQLSTATE.test(code) && ('severity' in item || 'sqlState' in item))
      return code;
  }
  return undefined;
}

/**
 * An error raised by the database for a statement: its text (message, detail, where, query,
 * parameters) may hold any value a client sent, so none of it may be logged or answered.
 */
export function isDatabaseStatementError(error: unknown): boolean {
  return errorChain(error).some(
    (item) =>
      (typeof item.severity === 'string' && typeof item.code === 'string') ||
      typeof item.sqlState === 'string' ||
      'query' in item,
  );
}

/** SQLSTATE class 22, "data exception": a value out of range, of the wrong form, too long. */
export function isBadValueError(error: unknown): boolean {
  return sqlStateOf(error)?.startsWith('22') === true;
}

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
// 08: connection exception; 57P01-57P03: the server is shutting down, crashed or starting;
// 53300: too many connections.
const UNREACHABLE_STATES = /^(08...|57P0[123]|53300)$/;
// node-postgres reports a dropped socket and a pool wait without a code.
const UNREACHABLE_MESSAGES =
  /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection ended unexpectedly)/;

/**
 * The database could not be reached (refused, dropped, shutting down): retrying later can work.
 * A socket error counts only when it came through the ORM's driver or from the database's
 * own port (the LISTEN connections use a bare client): a webhook receiver or Redis refusing a
 * connection is not a database outage.
 */
export function isDatabaseUnreachable(error: unknown, databasePort?: number): boolean {
  const chain = errorChain(error);
  const fromDatabase = chain.some(
    (item) => item instanceof DriverException || (databasePort !== undefined && item.port === databasePort),
  );
  return chain.some((item) => {
    const code = typeof item.code === 'string' ? item.code : undefined;
    if (fromDatabase && code && UNREACHABLE_CODES.has(code)) return true;
    const state = typeof item.sqlState === 'string' ? item.sqlState : code;
    if (state && UNREACHABLE_STATES.test(state)) return true;
    if (item.constructor?.name === 'ConnectionException') return true;
    return typeof item.message === 'string' && UNREACHABLE_MESSAGES.test(item.message);
  });
}
