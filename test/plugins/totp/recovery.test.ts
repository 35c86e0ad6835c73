import { afterAll, beforeAll, expect, test } from 'vitest';
import { createTestGateway, type TestGateway } from '../../../core/testing/create-test-gateway.ts';
import { totpPlugin as totp } from '../../../plugins/totp/index.ts';
import {
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
  t = await createTestGateway({ plugins: [totp] });
});
afterAll(() => t?.close());

type Result = { __typename: string; [field: string]: unknown };

const REGENERATE = `mutation($code: String!) {
  regenerateTotpRecoveryCodes(code: $code) {
    __typename
    ... on TotpRecoveryCodes { codes }
    ... on Error { code }
  }
}`;

const DISABLE = `mutation($code: String!) {
  disableTotp(code: $code) { __typename ... on TotpDisabled { disabledAt } ... on Error { code } }
}`;

test('a recovery code works once, in any case and with or without dashes', async () => {
  const staff = await newOperator(t);
  const { recoveryCodes } = await enrollAndConfirm(staff.client);
  const verify = async (code: string) =>
    (await staff.client.data<{ verifyTotp: Result }>(VERIFY, { code })).verifyTotp;

  expect(await verify(recoveryCodes[0]!)).toMatchObject({
    __typename: 'TotpVerification',
    usedRecoveryCode: true,
    recoveryCodesRemaining: 9,
    stepUp: { factor: 'totp' },
  });
  expect(await verify(recoveryCodes[0]!)).toMatchObject({
    __typename: 'InvalidTotpCode',
    attemptsRemaining: 4,
  });
  expect(await verify(recoveryCodes[1]!.replaceAll('-', '').toUpperCase())).toMatchObject({
    __typename: 'TotpVerification',
    recoveryCodesRemaining: 8,
  });
  expect(await verify('zzzz-zzzz-zzzz-zzzz')).toMatchObject({ __typename: 'InvalidTotpCode' });
  expect((await staff.client.data<{ totpFactor: Result }>(FACTOR)).totpFactor.recoveryCodesRemaining).toBe(8);
});

test('one key’s recovery codes do not work for another key', async () => {
  const a = await newOperator(t);
  const b = await newOperator(t);
  const { recoveryCodes } = await enrollAndConfirm(a.client);
  await enrollAndConfirm(b.client);
  const { verifyTotp } = await b.client.data<{ verifyTotp: Result }>(VERIFY, { code: recoveryCodes[0]! });
  expect(verifyTotp.__typename).toBe('InvalidTotpCode');
});

test('regenerating replaces every earlier recovery code', async () => {
  const staff = await newOperator(t);
  const { secret, recoveryCodes } = await enrollAndConfirm(staff.client);
  const wrong = await staff.client.data<{ regenerateTotpRecoveryCodes: Result }>(REGENERATE, {
    code: '000000' === (await codeAt(secret)) ? '111111' : '000000',
  });
  expect(wrong.regenerateTotpRecoveryCodes.__typename).toBe('InvalidTotpCode');

  const { regenerateTotpRecoveryCodes } = await staff.client.data<{
    regenerateTotpRecoveryCodes: { codes: string[] };
  }>(REGENERATE, { code: await codeAt(secret) });
  expect(regenerateTotpRecoveryCodes.codes).toHaveLength(10);
  expect(regenerateTotpRecoveryCodes.codes.filter((c) => recoveryCodes.includes(c))).toEqual([]);
  const verify = async (code: string) =>
    (await staff.client.data<{ verifyTotp: Result }>(VERIFY, { code })).verifyTotp;
  expect((await verify(recoveryCodes[2]!)).__typename).toBe('InvalidTotpCode');
  expect(await verify(regenerateTotpRecoveryCodes.codes[0]!)).toMatchObject({
    __typename: 'TotpVerification',
    recoveryCodesRemaining: 9,
  });
});

test('disabling needs a valid code or recovery code; then the key can enroll again with a new secret', async () => {
  const staff = await newOperator(t);
  const { secret, recoveryCodes } = await enrollAndConfirm(staff.client);
  const disable = async (code: string) =>
    (await staff.client.data<{ disableTotp: Result }>(DISABLE, { code })).disableTotp;

  expect((await disable('000000' === (await codeAt(secret)) ? '111111' : '000000')).__typename).toBe(
    'InvalidTotpCode',
  );
  expect((await staff.client.data<{ totpFactor: Result }>(FACTOR)).totpFactor.status).toBe('ACTIVE');
  expect((await disable(recoveryCodes[0]!)).__typename).toBe('TotpDisabled');
  expect((await staff.client.data<{ totpFactor: Result | null }>(FACTOR)).totpFactor).toBeNull();
  expect((await disable(recoveryCodes[1]!)).__typename).toBe('TotpNotEnrolled');
  expect(
    (await staff.client.data<{ verifyTotp: Result }>(VERIFY, { code: await codeAt(secret) })).verifyTotp
      .__typename,
  ).toBe('TotpNotEnrolled');

  const { enrollTotp } = await staff.client.data<{ enrollTotp: { uri: string } }>(ENROLL);
  const renewed = secretOf(enrollTotp.uri);
  expect(renewed).not.toBe(secret);
  expect(
    (await staff.client.data<{ confirmTotp: Result }>(CONFIRM, { code: await codeAt(secret) })).confirmTotp
      .__typename,
  ).toBe('InvalidTotpCode');
  const { confirmTotp } = await staff.client.data<{ confirmTotp: Result & { recoveryCodes: string[] } }>(
    CONFIRM,
    {
      code: await codeAt(renewed),
    },
  );
  expect(confirmTotp.__typename).toBe('TotpConfirmation');
  expect(confirmTotp.recoveryCodes.filter((c) => recoveryCodes.includes(c))).toEqual([]);
});

test('a recovery code cannot confirm a pending enrollment', async () => {
  const staff = await newOperator(t);
  const { recoveryCodes } = await enrollAndConfirm(staff.client);
  await staff.client.data(DISABLE, { code: recoveryCodes[0]! });
  await staff.client.data(ENROLL);
  const { confirmTotp } = await staff.client.data<{ confirmTotp: Result }>(CONFIRM, {
    code: recoveryCodes[1]!,
  });
  expect(confirmTotp.__typename).toBe('InvalidTotpCode');
});
