import { afterAll, beforeAll, expect, test } from 'vitest';
import { createTestGateway, type TestGateway } from '../../../core/testing/create-test-gateway.ts';
import { totpPlugin as totp } from '../../../plugins/totp/index.ts';
import {
  awayFromStepEdge,
  CONFIRM,
  codeAt,
  ENROLL,
  enrollAndConfirm,
  FACTOR,
  newOperator,
  secretOf,
  VERIFY,
} from './support.ts';

let t: TestGateway;
beforeAll(async () => {
  t = await createTestGateway({ plugins: [totp.with({ issuer: 'Acme Pay' })] });
});
afterAll(() => t?.close());

type Result = { __typename: string; [field: string]: unknown };

test('enrollment returns a key URI with issuer and account, a QR code, and stays pending until confirmed', async () => {
  const staff = await newOperator(t, 'ana laptop');
  const { enrollTotp } = await staff.client.data<{
    enrollTotp: Result & { uri: string; qrCode: string; secret: string };
  }>(ENROLL, { accountName: 'ana@acme.test' });
  expect(enrollTotp.__typename).toBe('TotpEnrollment');
  const uri = new URL(enrollTotp.uri);
  expect(uri.protocol).toBe('otpauth:');
  expect(uri.host).toBe('totp');
  expect(decodeURIComponent(uri.pathname)).toBe('/Acme Pay:ana@acme.test');
  expect(uri.searchParams.get('issuer')).toBe('Acme Pay');
  expect(uri.searchParams.get('secret')).toBe(enrollTotp.secret);
  expect(enrollTotp.secret).toMatch(/^[A-Z2-7]{32}$/);
  expect(enrollTotp.qrCode).toMatch(/^data:image\/png;base64,[A-Za-z0-9+/]{200,}=*$/);
  expect(enrollTotp).toMatchObject({ issuer: 'Acme Pay', accountName: 'ana@acme.test' });

  const { totpFactor } = await staff.client.data<{ totpFactor: Result }>(FACTOR);
  expect(totpFactor).toMatchObject({ status: 'PENDING', activatedAt: null, recoveryCodesRemaining: 0 });

  // Pending is not active: verification is refused, and step-up does not yet apply to this key.
  const verified = await staff.client.data<{ verifyTotp: Result }>(VERIFY, {
    code: await codeAt(enrollTotp.secret),
  });
  expect(verified.verifyTotp).toMatchObject({ __typename: 'TotpNotEnrolled', code: 'TOTP_NOT_ENROLLED' });
  const key = await staff.client.request<{ createApiKey: Result }>(
    'mutation { createApiKey(input: { kind: operator, label: "x" }) { __typename } }',
  );
  expect(key.errors).toBeUndefined();
  expect(key.data?.createApiKey.__typename).toBe('CreatedApiKey');
});

test('the account name defaults to the API key label; a colon in it is refused', async () => {
  const staff = await newOperator(t, 'bo desktop');
  const { enrollTotp } = await staff.client.data<{ enrollTotp: Result & { uri: string } }>(ENROLL);
  expect(enrollTotp.accountName).toBe('bo desktop');
  expect(decodeURIComponent(new URL(enrollTotp.uri).pathname)).toBe('/Acme Pay:bo desktop');
  const bad = await staff.client.data<{ enrollTotp: Result }>(ENROLL, { accountName: 'evil:issuer' });
  expect(bad.enrollTotp).toMatchObject({ __typename: 'ValidationError', code: 'VALIDATION_FAILED' });
});

test('the first valid code confirms enrollment and returns ten distinct recovery codes and a grant', async () => {
  const staff = await newOperator(t);
  await awayFromStepEdge();
  const { enrollTotp } = await staff.client.data<{ enrollTotp: { uri: string } }>(ENROLL);
  const secret = secretOf(enrollTotp.uri);

  const wrong = await staff.client.data<{ confirmTotp: Result }>(CONFIRM, { code: await codeAt(secret, 5) });
  expect(wrong.confirmTotp).toMatchObject({
    __typename: 'InvalidTotpCode',
    code: 'INVALID_TOTP_CODE',
    attemptsRemaining: 4,
  });

  const before = Date.now();
  const { confirmTotp } = await staff.client.data<{
    confirmTotp: Result & { recoveryCodes: string[]; stepUp: { factor: string; expiresAt: string } };
  }>(CONFIRM, { code: await codeAt(secret) });
  expect(confirmTotp.__typename).toBe('TotpConfirmation');
  expect(confirmTotp.factor).toMatchObject({ status: 'ACTIVE', recoveryCodesRemaining: 10 });
  expect(confirmTotp.recoveryCodes).toHaveLength(10);
  expect(new Set(confirmTotp.recoveryCodes).size).toBe(10);
  for (const code of confirmTotp.recoveryCodes)
    expect(code).toMatch(/^[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}$/);
  expect(confirmTotp.stepUp.factor).toBe('totp');
  const lasts = new Date(confirmTotp.stepUp.expiresAt).getTime() - before;
  expect(lasts).toBeGreaterThan(290_000);
  expect(lasts).toBeLessThanOrEqual(300_000 + 60_000);

  const again = await staff.client.data<{ enrollTotp: Result }>(ENROLL);
  expect(again.enrollTotp).toMatchObject({
    __typename: 'TotpAlreadyEnrolled',
    code: 'TOTP_ALREADY_ENROLLED',
  });
});

test('codes of the current step and one step either side are accepted; replays and older steps are not', async () => {
  const staff = await newOperator(t);
  // The ten requests below must fall in one 30-second step, as their offsets assume.
  await awayFromStepEdge(10);
  const { enrollTotp } = await staff.client.data<{ enrollTotp: { uri: string } }>(ENROLL);
  const secret = secretOf(enrollTotp.uri);
  const confirm = (code: string) => staff.client.data<{ confirmTotp: Result }>(CONFIRM, { code });
  const verify = (code: string) => staff.client.data<{ verifyTotp: Result }>(VERIFY, { code });

  expect((await confirm(await codeAt(secret, -2))).confirmTotp.__typename).toBe('InvalidTotpCode');
  expect((await confirm(await codeAt(secret, -1))).confirmTotp.__typename).toBe('TotpConfirmation');
  expect((await verify(await codeAt(secret, -1))).verifyTotp.__typename).toBe('InvalidTotpCode');
  expect((await verify(await codeAt(secret, 0))).verifyTotp).toMatchObject({
    __typename: 'TotpVerification',
    usedRecoveryCode: false,
    recoveryCodesRemaining: 10,
  });
  expect((await verify(await codeAt(secret, 0))).verifyTotp.__typename).toBe('InvalidTotpCode');
  expect((await verify(await codeAt(secret, 2))).verifyTotp.__typename).toBe('InvalidTotpCode');
  expect((await verify(await codeAt(secret, 1))).verifyTotp.__typename).toBe('TotpVerification');
  // Every code up to the last used step is spent, even ones still inside the window.
  expect((await verify(await codeAt(secret, 1))).verifyTotp.__typename).toBe('InvalidTotpCode');
  expect((await verify(await codeAt(secret, 0))).verifyTotp.__typename).toBe('InvalidTotpCode');
  expect((await verify('12345')).verifyTotp.__typename).toBe('InvalidTotpCode');
});

test('a pending enrollment can be restarted with a new secret; the old secret no longer confirms', async () => {
  const staff = await newOperator(t);
  await awayFromStepEdge();
  const first = secretOf((await staff.client.data<{ enrollTotp: { uri: string } }>(ENROLL)).enrollTotp.uri);
  const second = secretOf((await staff.client.data<{ enrollTotp: { uri: string } }>(ENROLL)).enrollTotp.uri);
  expect(second).not.toBe(first);
  expect(
    (await staff.client.data<{ confirmTotp: Result }>(CONFIRM, { code: await codeAt(first) })).confirmTotp
      .__typename,
  ).toBe('InvalidTotpCode');
  expect(
    (await staff.client.data<{ confirmTotp: Result }>(CONFIRM, { code: await codeAt(second) })).confirmTotp
      .__typename,
  ).toBe('TotpConfirmation');
});

test('each API key has its own factor; customers share one across their sessions', async () => {
  const a = await newOperator(t);
  const b = await newOperator(t);
  await enrollAndConfirm(a.client);
  expect((await a.client.data<{ totpFactor: Result }>(FACTOR)).totpFactor.status).toBe('ACTIVE');
  expect((await b.client.data<{ totpFactor: Result | null }>(FACTOR)).totpFactor).toBeNull();

  const shop = await t.createMerchant('Tea shop');
  const session = async (ref: string) => {
    const { createCustomerSession } = await shop.client.data<{ createCustomerSession: { token: string } }>(
      'mutation($ref: String!) { createCustomerSession(customerRef: $ref) { ... on CreatedCustomerSession { token } } }',
      { ref },
    );
    return t.http(createCustomerSession.token);
  };
  const phone = await session('cust-42');
  const laptop = await session('cust-42');
  const other = await session('cust-43');
  const { enrollTotp } = await phone.data<{ enrollTotp: { accountName: string } }>(ENROLL);
  expect(enrollTotp.accountName).toBe('cust-42');
  await awayFromStepEdge();
  const secret = secretOf((await phone.data<{ enrollTotp: { uri: string } }>(ENROLL)).enrollTotp.uri);
  expect(
    (await phone.data<{ confirmTotp: Result }>(CONFIRM, { code: await codeAt(secret, -1) })).confirmTotp
      .__typename,
  ).toBe('TotpConfirmation');
  expect((await laptop.data<{ totpFactor: Result }>(FACTOR)).totpFactor.status).toBe('ACTIVE');
  expect((await other.data<{ totpFactor: Result | null }>(FACTOR)).totpFactor).toBeNull();

  // The grant belongs to the session that verified, not to the customer.
  const grant = '{ stepUpGrant { factor expiresAt } }';
  expect((await phone.data<{ stepUpGrant: unknown }>(grant)).stepUpGrant).toMatchObject({ factor: 'totp' });
  expect((await laptop.data<{ stepUpGrant: unknown }>(grant)).stepUpGrant).toBeNull();
  expect(
    (await laptop.data<{ verifyTotp: Result }>(VERIFY, { code: await codeAt(secret) })).verifyTotp.__typename,
  ).toBe('TotpVerification');
  expect((await laptop.data<{ stepUpGrant: unknown }>(grant)).stepUpGrant).toMatchObject({ factor: 'totp' });
});

test('only signed-in callers can enroll', async () => {
  const response = await t.anonymous.request(ENROLL);
  expect(response.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
});
