import { type RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';

interface Waiter {
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * Counts requests against a shared limiter with at most one write in flight per key and process.
 * Requests that arrive while a key's write runs wait for the next one, which adds them all at
 * once (`consume(key, n)`). Each then learns its place in the shared total, so the answer is the
 * same as one write per request (exact across processes), but a busy key costs one statement
 * per round trip, not per request, and its counter row is never contended by the process itself.
 * (Issue 17: one upsert per request on one hot row per key cost 40 % of payment throughput.)
 */
export class RateCountBatcher {
  readonly #limiter: RateLimiterAbstract;
  readonly #queued = new Map<string, Waiter[]>();

  constructor(limiter: RateLimiterAbstract) {
    this.#limiter = limiter;
  }

  /** Resolves when counted within the limit; rejects with the limiter's RateLimiterRes when over. */
  consume(key: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const queued = this.#queued.get(key);
      if (queued) {
        queued.push({ resolve, reject });
        return;
      }
      this.#queued.set(key, []);
      void this.#write(key, [{ resolve, reject }]);
    });
  }

  /** Writes the batch, then whatever queued meanwhile, until the key is quiet. */
  async #write(key: string, first: Waiter[]): Promise<void> {
    for (let batch = first; batch.length > 0; batch = this.#next(key)) {
      try {
        const counted = await this.#limiter.consume(key, batch.length);
        this.#settle(batch, counted.consumedPoints, counted.msBeforeNext);
      } catch (refusal) {
        if (!(refusal instanceof RateLimiterRes)) for (const waiter of batch) waiter.reject(refusal);
        // A refusal from the limiter's in-memory block carries no total: every request is over.
        else this.#settle(batch, refusal.consumedPoints || Number.POSITIVE_INFINITY, refusal.msBeforeNext);
      }
    }
  }

  /** What queued during the last write (the key stays busy), or nothing (the key is free). */
  #next(key: string): Waiter[] {
    const queued = this.#queued.get(key) ?? [];
    if (queued.length === 0) this.#queued.delete(key);
    else this.#queued.set(key, []);
    return queued;
  }

  /** The batch's requests in arrival order: those that fit under the limit pass, the rest are refused. */
  #settle(batch: Waiter[], total: number, msBeforeNext: number): void {
    const before = total - batch.length;
    batch.forEach((waiter, i) => {
      const consumed = before + i + 1;
      if (consumed <= this.#limiter.points) waiter.resolve();
      else waiter.reject(new RateLimiterRes(0, msBeforeNext, consumed, false));
    });
  }
}
