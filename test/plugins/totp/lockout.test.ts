import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestGateway, type TestGateway } from '../../../core/testing/create-test-gateway.ts';
import { totpPlugin as totp } from '../../../plugins/totp/index.ts';
import { codeAt, enrollAndConfirm, FACTOR, newOperator, VERIFY } from './support.ts';

type Result = { __typename: string; attemptsRemaining?: number; retryAt?: string };

const WRONG = '000000';
const wrongFor = async (secret: string) => ((await codeAt(secret)) === WRONG ? '111111' : WRONG);

describe('with the default policy (5 attempts, 30 s)', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await createTestGateway({ plugins: [totp] });
  });
  afterAll(() => t?.close());

  test('five failures lock the factor; while locked even the right code is refused', async () => {
    const staff = await newOperator(t);
    const { secret } = await enrollAndConfirm(staff.client);
    const verify = async (code: string) =>
      (await staff.client.data<{ verifyTotp: Result }>(VERIFY, { code })).verifyTotp;
    const wrong = await wrongFor(secret);

    for (const remaining of [4, 3, 2, 1]) {
      expect(await verify(wrong)).toEqual({
        __typename: 'InvalidTotpCode',
        code: 'INVALID_TOTP_CODE',
        attemptsRemaining: remaining,
      });
    }
    const sent = Date.now();
    const locked = await verify(wrong);
    expect(locked).toMatchObject({ __typename: 'TotpLocked', code: 'TOTP_LOCKED' });
    const retryAt = new Date(locked.retryAt!).getTime();
    expect(retryAt).toBeGreaterThanOrEqual(sent + 30_000);
    expect(retryAt).toBeLessThanOrEqual(Date.now() + 30_000);

    expect(await verify(await codeAt(secret))).toMatchObject({
      __typename: 'TotpLocked',
      retryAt: locked.retryAt,
    });
    expect(await verify(await codeAt(secret, 1))).toMatchObject({ __typename: 'TotpLocked' });
    const { totpFactor } = await staff.client.data<{ totpFactor: { lockedUntil: string } }>(FACTOR);
    expect(totpFactor.lockedUntil).toBe(locked.retryAt);

    // The lock is the factor's: it does not block other keys.
    const other = await newOperator(t);
    const { secret: otherSecret } = await enrollAndConfirm(other.client);
    expect(
      (await other.client.data<{ verifyTotp: Result }>(VERIFY, { code: await codeAt(otherSecret) }))
        .verifyTotp.__typename,
    ).toBe('TotpVerification');
  });

  test('concurrent guesses are each counted once: no more than five get an answer', async () => {
    const staff = await newOperator(t);
    const { secret } = await enrollAndConfirm(staff.client);
    const wrong = await wrongFor(secret);
    const results = await Promise.all(
      Array.from(
        { length: 20 },
        async () => (await staff.client.data<{ verifyTotp: Result }>(VERIFY, { code: wrong })).verifyTotp,
      ),
    );
    const invalid = results.filter((r) => r.__typename === 'InvalidTotpCode');
    const locked = results.filter((r) => r.__typename === 'TotpLocked');
    expect(invalid.length + locked.length).toBe(20);
    expect(invalid.length).toBeLessThanOrEqual(4);
    // Each failure saw a different count: no two requests read and wrote the same counter value.
    const remaining = invalid.map((r) => r.attemptsRemaining);
    expect(new Set(remaining).size).toBe(remaining.length);
    expect(new Set(locked.map((r) => r.retryAt)).size).toBe(1);
  });

  test('a success resets the count', async () => {
    const staff = await newOperator(t);
    const { secret } = await enrollAndConfirm(staff.client);
    const verify = async (code: string) =>
      (await staff.client.data<{ verifyTotp: Result }>(VERIFY, { code })).verifyTotp;
    const wrong = await wrongFor(secret);
    for (let i = 0; i < 4; i++) await verify(wrong);
    expect((await verify(await codeAt(secret))).__typename).toBe('TotpVerification');
    expect(await verify(wrong)).toMatchObject({ attemptsRemaining: 4 });
  });
});

describe('with a short lock', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await createTestGateway({
      plugins: [totp.with({ maxAttempts: 2, lockSeconds: 1, maxLockSeconds: 3 })],
    });
  });
  afterAll(() => t?.close());

  test('each lock lasts twice as long as the one before, up to the cap (1 s, 2 s, then 3 s rather than 4 s)', async () => {
    const staff = await newOperator(t);
    const { secret } = await enrollAndConfirm(staff.client);
    const wrong = await wrongFor(secret);
    const verify = async () =>
      (await staff.client.data<{ verifyTotp: Result }>(VERIFY, { code: wrong })).verifyTotp;
    // Exact bounds: the server reads the same clock between the client's `sent` and `received`.
    for (const seconds of [1, 2, 3]) {
      expect((await verify()).__typename).toBe('InvalidTotpCode');
      const sent = Date.now();
      const locked = await verify();
      const received = Date.now();
      expect(locked.__typename).toBe('TotpLocked');
      const retryAt = new Date(locked.retryAt!).getTime();
      expect(retryAt - sent).toBeGreaterThanOrEqual(seconds * 1000);
      expect(retryAt - received).toBeLessThanOrEqual(seconds * 1000);
      await sleep(retryAt - Date.now() + 50);
    }
  });
});
