import type { EntityManager } from '@mikro-orm/core';
import { query, type RequestContext, ValidationError } from '../../core/plugin-api.ts';
import type { IdempotencyStatus, StoredResult } from './idempotency-record.entity.ts';
import { IdempotencyConflictError, IdempotencyInFlightError } from './payment-errors.ts';
import { hashRequest } from './request-hash.ts';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
const MAX_KEY_LENGTH = 255;

/** One request's claim on a key, or none when the caller sent no key. */
export interface IdempotentRequest {
  scope: string;
  key: string;
  operation: string;
  hash: string;
}

export type Claim = { kind: 'new' } | { kind: 'replay'; result: StoredResult };

/** Whether what a request recorded so far is already its final answer (see `settledPayment`). */
export type ResultSettled = (em: EntityManager, result: StoredResult) => Promise<boolean>;

/**
 * Idempotency-Key handling (Stripe; draft-ietf-httpapi-idempotency-key-header): the first
 * request with a key runs, its result is stored and every retry gets it back; a different
 * request under the same key, or a retry while the first still runs, is a typed error and
 * never a second execution.
 */
export class IdempotencyService {
  readonly #ttlHours: number;
  readonly #leaseSeconds: number;

  constructor(options: { ttlHours: number; leaseSeconds: number }) {
    this.#ttlHours = options.ttlHours;
    this.#leaseSeconds = options.leaseSeconds;
  }

  /**
   * The key of this request, from the `Idempotency-Key` header or the argument (WebSocket
   * clients cannot set headers); null when neither is given.
   */
  request(
    ctx: RequestContext,
    operation: string,
    args: unknown,
    argument?: string | null,
  ): IdempotentRequest | null {
    const header = ctx.headers.get(IDEMPOTENCY_HEADER);
    if (header != null && argument != null && header !== argument) {
      throw new ValidationError(
        'idempotencyKey',
        'the Idempotency-Key header and the idempotencyKey argument differ',
      );
    }
    const key = argument ?? header;
    if (key == null) return null;
    if (key.length === 0 || key.length > MAX_KEY_LENGTH || !/^[\x21-\x7e]+$/.test(key)) {
      throw new ValidationError(
        'idempotencyKey',
        `an Idempotency-Key is 1 to ${MAX_KEY_LENGTH} visible ASCII characters`,
      );
    }
    const { principal } = ctx;
    const scope =
      principal.kind === 'merchant' || principal.kind === 'customer'
        ? `merchant:${principal.merchantId}`
        : principal.kind === 'operator'
          ? `operator:${principal.keyId}`
          : `${principal.kind}`;
    return { scope, key, operation, hash: hashRequest(operation, args) };
  }

  /**
   * Claims the key inside the caller's transaction. A concurrent claim of the same key waits on
   * the unique index until the first transaction ends, then sees its outcome. A key still in
   * flight is answered before its lease ends when `settled` says that what its request recorded
   * is final (a crashed request's payment, settled by the janitor).
   */
  async claim(em: EntityManager, request: IdempotentRequest, settled?: ResultSettled): Promise<Claim> {
    const inserted = await query(
      em,
      `insert into idempotency_record (scope, key, operation, request_hash, status, result, locked_until, created_at, expires_at)
        values (?, ?, ?, ?, 'in_flight', null, now() + make_interval(secs => ?), now(), now() + make_interval(secs => ?))
        on conflict (scope, key) do nothing returning 1 as claimed`,
      [
        request.scope,
        request.key,
        request.operation,
        request.hash,
        this.#leaseSeconds,
        this.#ttlHours * 3600,
      ],
    );
    if (inserted.length > 0) return { kind: 'new' };
    const [row] = await query<{
      request_hash: string;
      /** Only these: the table's check constraint admits no other. */
      status: IdempotencyStatus;
      result: StoredResult | string | null;
      expired: boolean;
      lease_over: boolean;
    }>(
      em,
      `select request_hash, status, result, expires_at <= now() as expired, locked_until <= now() as lease_over
        from idempotency_record where scope = ? and key = ? for update`,
      [request.scope, request.key],
    );
    if (!row) return this.claim(em, request, settled);
    if (row.expired) {
      await query(em, 'delete from idempotency_record where scope = ? and key = ?', [
        request.scope,
        request.key,
      ]);
      return this.claim(em, request, settled);
    }
    if (row.request_hash !== request.hash) throw new IdempotencyConflictError(request.key);
    const result = typeof row.result === 'string' ? (JSON.parse(row.result) as StoredResult) : row.result;
    if (row.status === 'completed' && result) return { kind: 'replay', result };
    // The lease only guesses that the first request may still run; what it recorded may say
    // for sure that it is over.
    if (!row.lease_over && !(result && settled && (await settled(em, result)))) {
      throw new IdempotencyInFlightError(request.key);
    }
    // The first request is over or its process is gone. What it recorded (a payment) is its
    // result; if it recorded nothing, nothing happened and this request may run.
    if (result) {
      await this.complete(em, request, result);
      return { kind: 'replay', result };
    }
    await query(
      em,
      `update idempotency_record set locked_until = now() + make_interval(secs => ?) where scope = ? and key = ?`,
      [this.#leaseSeconds, request.scope, request.key],
    );
    return { kind: 'new' };
  }

  /** Records what the request produced so far, keeping the key in flight (external calls follow). */
  async remember(em: EntityManager, request: IdempotentRequest, result: StoredResult): Promise<void> {
    await query(em, 'update idempotency_record set result = ? where scope = ? and key = ?', [
      JSON.stringify(result),
      request.scope,
      request.key,
    ]);
  }

  async complete(em: EntityManager, request: IdempotentRequest, result: StoredResult): Promise<void> {
    await query(
      em,
      `update idempotency_record set status = 'completed', result = ? where scope = ? and key = ?`,
      [JSON.stringify(result), request.scope, request.key],
    );
  }

  /** Forgets keys older than their time to live; returns how many. */
  async purgeExpired(em: EntityManager): Promise<number> {
    const rows = await query(
      em,
      'delete from idempotency_record where expires_at <= now() returning 1 as gone',
    );
    return rows.length;
  }
}
