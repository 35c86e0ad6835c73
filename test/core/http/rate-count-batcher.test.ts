import fc from 'fast-check';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { describe, expect, test } from 'vitest';
import { RateCountBatcher } from '../../../core/http/rate-count-batcher.ts';

/**
 * Batching the writes of a busy key must not change an answer: over any bursts, exactly as many
 * requests pass as the limit allows, the first ones to arrive, and a process writes one count per
 * round trip, not one per request.
 */
describe('a rate count batched per key', () => {
  test('passes exactly the first `points` requests of any bursts, whatever their sizes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 40 }),
        fc.array(fc.integer({ min: 1, max: 30 }), { minLength: 1, maxLength: 6 }),
        async (points, bursts) => {
          const limiter = new RateLimiterMemory({ points, duration: 600 });
          let writes = 0;
          const consume = limiter.consume.bind(limiter);
          limiter.consume = (key, n) => {
            writes++;
            return consume(key, n);
          };
          const batcher = new RateCountBatcher(limiter);
          const answers: boolean[] = [];
          for (const size of bursts) {
            const burst = await Promise.all(
              Array.from({ length: size }, () =>
                batcher.consume('key').then(
                  () => true,
                  (refusal: unknown) => {
                    expect(refusal).toBeInstanceOf(RateLimiterRes);
                    expect((refusal as RateLimiterRes).msBeforeNext).toBeGreaterThan(0);
                    return false;
                  },
                ),
              ),
            );
            answers.push(...burst);
          }
          const total = answers.length;
          expect(answers).toEqual(Array.from({ length: total }, (_, i) => i < points));
          // A burst arriving at once is at most two writes: the first request's, then the rest's.
          expect(writes).toBeLessThanOrEqual(bursts.length * 2);
        },
      ),
    );
  });

  test('keys are counted apart, and a store failure reaches only the batch it hit', async () => {
    const limiter = new RateLimiterMemory({ points: 2, duration: 600 });
    const batcher = new RateCountBatcher(limiter);
    const consume = limiter.consume.bind(limiter);
    let fail = true;
    limiter.consume = (key, n) =>
      key === 'b' && fail ? Promise.reject(new Error('store down')) : consume(key, n);
    const b = batcher.consume('b');
    const a = await Promise.allSettled([batcher.consume('a'), batcher.consume('a'), batcher.consume('a')]);
    expect(a.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);
    await expect(b).rejects.toThrow('store down');
    fail = false;
    await expect(batcher.consume('b')).resolves.toBeUndefined();
  });
});
