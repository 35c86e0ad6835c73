import { createHash } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/core';
import { GraphQLError } from 'graphql';
import { type RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';
import type { Principal, PrincipalKind } from '../auth/principal.ts';
import type { LimitsConfig, RateLimit } from '../config.ts';
import { RateCountBatcher } from './rate-count-batcher.ts';
import { sharedLimiter } from './rate-limit-store.ts';

/**
 * Flood caps rather than quotas: high enough that `npm run bench` (one merchant key, over a
 * thousand payments a second; anonymous `{ __typename }` at several thousand a second from one
 * address) is never refused. Operators lower them to their traffic in yoga.config.ts.
 */
export const DEFAULT_REQUEST_LIMITS: Record<PrincipalKind, RateLimit> = {
  anonymous: { requests: 100_000, perSeconds: 10 },
  customer: { requests: 1_000, perSeconds: 10 },
  merchant: { requests: 100_000, perSeconds: 10 },
  partner: { requests: 20_000, perSeconds: 10 },
  operator: { requests: 100_000, perSeconds: 10 },
};

export const DEFAULT_CREDENTIAL_FAILURES = { attempts: 20, perSeconds: 60, blockSeconds: 300 };

export function rateLimited(msBeforeNext: number): GraphQLError {
  const seconds = Math.max(1, Math.ceil(msBeforeNext / 1000));
  return new GraphQLError(`Too many requests; retry after ${seconds} s`, {
    extensions: {
      code: 'RATE_LIMITED',
      retryAfterSeconds: seconds,
      http: { status: 429, headers: { 'retry-after': String(seconds) } },
    },
  });
}

/** An address is personal data: the counters keep a hash of it, for one window at most. */
function ipKey(ip: string): string {
  return `ip_${createHash('sha256').update(ip).digest('hex').slice(0, 32)}`;
}

function keyOf(principal: Principal, ip: string): string {
  switch (principal.kind) {
    case 'anonymous':
      return ipKey(ip);
    case 'customer':
      return principal.sessionId;
    default:
      return principal.keyId;
  }
}

/** Rethrows a limiter's refusal as RATE_LIMITED; other errors (the insurance failed too) pass. */
async function consumeOrRefuse(
  limiter: { consume(key: string): Promise<unknown> },
  key: string,
): Promise<void> {
  try {
    await limiter.consume(key);
  } catch (refusal) {
    if (refusal instanceof RateLimiterRes) throw rateLimited(refusal.msBeforeNext);
    throw refusal;
  }
}

async function blockedInMemory(limiter: RateLimiterAbstract, key: string): Promise<number> {
  const state = await limiter.get(key);
  return state && state.consumedPoints > limiter.points ? state.msBeforeNext : 0;
}

/**
 * Requests per credential (an API key, a customer session) and, for anonymous callers, per client
 * address; failed credentials per address (API key guessing), which block the address for a while.
 * Counters are shared by every gateway process through the database (see sharedLimiter); a
 * process writes a busy key's count once per round trip (RateCountBatcher).
 */
export class RateLimits {
  readonly #requests: Record<PrincipalKind, RateCountBatcher> | undefined;
  readonly #failures:
    | (RateLimiterAbstract & { getInMemoryBlockMsBeforeExpire?(key: string): number })
    | undefined;

  constructor(orm: MikroORM, shared: boolean, config: LimitsConfig = {}) {
    const enabled = config.enabled ?? true;
    const limits = { ...DEFAULT_REQUEST_LIMITS, ...config.requests };
    this.#requests = enabled
      ? (Object.fromEntries(
          Object.entries(limits).map(([kind, { requests, perSeconds }]) => [
            kind,
            new RateCountBatcher(
              sharedLimiter(orm, shared, {
                keyPrefix: `req_${kind}`,
                points: requests,
                duration: perSeconds,
                // Once over, refuse from memory until the window ends instead of writing per request.
                inMemoryBlockOnConsumed: requests + 1,
              }),
            ),
          ]),
        ) as Record<PrincipalKind, RateCountBatcher>)
      : undefined;
    const failures = { ...DEFAULT_CREDENTIAL_FAILURES, ...config.credentialFailures };
    this.#failures = !enabled
      ? undefined
      : sharedLimiter(orm, shared, {
          keyPrefix: 'auth_fail',
          points: failures.attempts,
          duration: failures.perSeconds,
          blockDuration: failures.blockSeconds,
          inMemoryBlockOnConsumed: failures.attempts + 1,
          inMemoryBlockDuration: failures.blockSeconds,
        });
  }

  /**
   * Checks a credential for a caller at `ip`, the way TOTP codes are guarded: an address this
   * process saw guessing is refused before the lookup; a refused credential counts against the
   * address, and the one over the limit blocks it in every process (RATE_LIMITED, not
   * UNAUTHENTICATED, from then on).
   */
  async guardCredential<T>(ip: string, check: () => Promise<T>): Promise<T> {
    const limiter = this.#failures;
    if (!limiter) return check();
    // Shared store: its in-memory block, set when this process saw the address go over. Memory: the counter.
    const blockedMs = limiter.getInMemoryBlockMsBeforeExpire
      ? limiter.getInMemoryBlockMsBeforeExpire(limiter.getKey(ipKey(ip)))
      : await blockedInMemory(limiter, ipKey(ip));
    if (blockedMs > 0) throw rateLimited(blockedMs);
    try {
      return await check();
    } catch (error) {
      if (error instanceof GraphQLError && error.extensions.code === 'UNAUTHENTICATED') {
        await consumeOrRefuse(limiter, ipKey(ip));
      }
      throw error;
    }
  }

  /** Counts one request (or WebSocket operation) against its credential, or its address if anonymous. */
  async request(principal: Principal, ip: string): Promise<void> {
    if (this.#requests) await consumeOrRefuse(this.#requests[principal.kind], keyOf(principal, ip));
  }
}
