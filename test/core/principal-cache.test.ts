import { expect, test } from 'vitest';
import type { Principal } from '../../core/auth/principal.ts';
import { PrincipalCache } from '../../core/auth/principal-cache.ts';

const merchant: Principal = { kind: 'merchant', keyId: 'k1', merchantId: 'm1' };
const partner: Principal = { kind: 'partner', keyId: 'k2', partnerId: 'p1', merchantIds: ['m1'] };

test('an answer is trusted for the window, then asked for again', () => {
  const cache = new PrincipalCache(5000);
  cache.set('h1', merchant, Number.POSITIVE_INFINITY, 1000);
  expect(cache.get('h1', 5999)).toBe(merchant);
  expect(cache.get('h1', 6000)).toBeUndefined();
});

test("a session's own expiry holds even inside the window", () => {
  const cache = new PrincipalCache(5000);
  cache.set('s1', merchant, 3000, 1000);
  expect(cache.get('s1', 2999)).toBe(merchant);
  expect(cache.get('s1', 3000)).toBeUndefined();
});

test('revocations and grant changes forget the matching principals only', () => {
  const cache = new PrincipalCache(5000);
  cache.set('h1', merchant, undefined, 0);
  cache.set('h2', partner, undefined, 0);
  cache.forget((p) => p.kind === 'partner' && p.partnerId === 'p1');
  expect(cache.get('h1', 1)).toBe(merchant);
  expect(cache.get('h2', 1)).toBeUndefined();
});

test('a window of 0 caches nothing; the oldest entry leaves when the cache is full', () => {
  const off = new PrincipalCache(0);
  off.set('h1', merchant, undefined, 0);
  expect(off.get('h1', 0)).toBeUndefined();
  const small = new PrincipalCache(5000, 2);
  small.set('a', merchant, undefined, 0);
  small.set('b', merchant, undefined, 0);
  small.set('c', partner, undefined, 0);
  expect([small.get('a', 1), small.get('b', 1), small.get('c', 1)]).toEqual([undefined, merchant, partner]);
});
