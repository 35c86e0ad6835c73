import { afterEach, expect, test, vi } from 'vitest';
import { LiveCredentials } from '../../../core/auth/live-credentials.ts';
import type { Principal } from '../../../core/auth/principal.ts';

afterEach(() => {
  vi.useRealTimers();
});

const customer = (sessionId: string, expiresAt: Date): Principal => ({
  kind: 'customer',
  sessionId,
  merchantId: 'm1',
  customerRef: 'u',
  subjectId: 's1',
  expiresAt,
});

test('a session held open ends when it expires, once, and a released one does not', () => {
  vi.useFakeTimers({ now: 0 });
  const live = new LiveCredentials();
  const ended: string[] = [];
  live.hold(customer('s1', new Date(10_000)), (reason) => ended.push(`s1 ${reason}`));
  const release = live.hold(customer('s2', new Date(10_000)), (reason) => ended.push(`s2 ${reason}`));
  release();
  vi.advanceTimersByTime(9_999);
  expect(ended).toEqual([]);
  vi.advanceTimersByTime(1);
  expect(ended).toEqual(['s1 expired']);
  live.end({ kind: 'session', id: 's1' }, 'revoked');
  expect(ended).toEqual(['s1 expired']);
  expect(live.inUse()).toEqual([]);
});

test('a revocation ends every use of that credential and no other', () => {
  const live = new LiveCredentials();
  const ended: string[] = [];
  const key = (keyId: string): Principal => ({ kind: 'merchant', keyId, merchantId: 'm1' });
  live.hold(key('k1'), (reason) => ended.push(`a ${reason}`));
  live.hold(key('k1'), (reason) => ended.push(`b ${reason}`));
  live.hold(key('k2'), (reason) => ended.push(`c ${reason}`));
  live.hold({ kind: 'anonymous' }, () => ended.push('anonymous'));
  expect(live.inUse()).toEqual([
    { kind: 'key', id: 'k1' },
    { kind: 'key', id: 'k2' },
  ]);
  live.end({ kind: 'key', id: 'k1' }, 'revoked');
  expect(ended).toEqual(['a revoked', 'b revoked']);
  expect(live.inUse()).toEqual([{ kind: 'key', id: 'k2' }]);
});
