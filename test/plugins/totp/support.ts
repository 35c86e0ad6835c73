import { setTimeout as sleep } from 'node:timers/promises';
import { generate } from 'otplib';
import type { TestGateway } from '../../../core/testing/create-test-gateway.ts';
import type { HttpGraphQLClient } from '../../../core/testing/graphql-clients.ts';

export const ENROLL = `mutation($accountName: String) {
  enrollTotp(accountName: $accountName) {
    __typename
    ... on TotpEnrollment { uri qrCode secret issuer accountName }
    ... on Error { code message }
  }
}`;

export const CONFIRM = `mutation($code: String!) {
  confirmTotp(code: $code) {
    __typename
    ... on TotpConfirmation { factor { status activatedAt recoveryCodesRemaining } recoveryCodes stepUp { factor expiresAt } }
    ... on InvalidTotpCode { code attemptsRemaining }
    ... on TotpLocked { code retryAt }
    ... on Error { code }
  }
}`;

export const VERIFY = `mutation($code: String!) {
  verifyTotp(code: $code) {
    __typename
    ... on TotpVerification { usedRecoveryCode recoveryCodesRemaining stepUp { factor expiresAt } }
    ... on InvalidTotpCode { code attemptsRemaining }
    ... on TotpLocked { code retryAt }
    ... on Error { code }
  }
}`;

export const FACTOR = '{ totpFactor { status createdAt activatedAt lockedUntil recoveryCodesRemaining } }';

export const CREATE_OPERATOR_KEY = `mutation($label: String!) {
  createApiKey(input: { kind: operator, label: $label }) { __typename ... on CreatedApiKey { apiKey { id } secret } }
}`;

const PERIOD = 30;

/** The base32 secret an authenticator app would read from the QR code. */
export function secretOf(uri: string): string {
  const secret = new URL(uri).searchParams.get('secret');
  if (!secret) throw new Error(`no secret in ${uri}`);
  return secret;
}

/** The code an authenticator shows `steps` periods from now. */
export function codeAt(secret: string, steps = 0): Promise<string> {
  return generate({ secret, epoch: Math.floor(Date.now() / 1000) + steps * PERIOD });
}

/**
 * Waits while the current 30-second step is about to end, so that "the step before" and "the
 * step after" mean the same to the test and to the server a moment later.
 */
export async function awayFromStepEdge(marginSeconds = 4): Promise<void> {
  const into = (Date.now() / 1000) % PERIOD;
  if (into > PERIOD - marginSeconds) await sleep((PERIOD - into + 0.2) * 1000);
}

/** A fresh operator key (minted by the test operator, which never enrolls). */
export async function newOperator(
  t: TestGateway,
  label = 'staff',
): Promise<{ id: string; client: HttpGraphQLClient; key: string }> {
  const created = await t.operator.data<{ createApiKey: { apiKey: { id: string }; secret: string } }>(
    CREATE_OPERATOR_KEY,
    { label },
  );
  return {
    id: created.createApiKey.apiKey.id,
    key: created.createApiKey.secret,
    client: t.http(created.createApiKey.secret),
  };
}

export interface Enrolled {
  secret: string;
  recoveryCodes: string[];
}

/** Enrolls and confirms with the previous step's code, leaving the current and next steps' codes unused. */
export async function enrollAndConfirm(client: HttpGraphQLClient): Promise<Enrolled> {
  await awayFromStepEdge();
  const { enrollTotp } = await client.data<{ enrollTotp: { uri: string } }>(ENROLL);
  const secret = secretOf(enrollTotp.uri);
  const { confirmTotp } = await client.data<{ confirmTotp: { __typename: string; recoveryCodes: string[] } }>(
    CONFIRM,
    { code: await codeAt(secret, -1) },
  );
  if (confirmTotp.__typename !== 'TotpConfirmation')
    throw new Error(`confirmation failed: ${confirmTotp.__typename}`);
  return { secret, recoveryCodes: confirmTotp.recoveryCodes };
}
