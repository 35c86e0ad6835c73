import { generateSecret, generateURI, verify } from 'otplib';

/** The parameters every authenticator app supports (RFC 6238 defaults as deployed). */
export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;
const CODE = /^\d{6}$/;

/** 160 random bits (RFC 4226 recommends at least 128), base32. */
export function newTotpSecret(): string {
  return generateSecret({ length: 20 });
}

export function otpauthUri(issuer: string, accountName: string, secret: string): string {
  return generateURI({
    issuer,
    label: accountName,
    secret,
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD_SECONDS,
  });
}

/** Codes as people type them: spaces ignored. Null when it cannot be a TOTP code. */
export function normaliseTotpCode(input: string): string | null {
  const code = input.replace(/\s/g, '');
  return CODE.test(code) ? code : null;
}

/**
 * The time step whose code `code` is, among the steps within `window` of now; null when none.
 * Replay is the caller's check: the step must be later than the last one used.
 */
export async function matchingStep(
  secret: string,
  code: string,
  nowSeconds: number,
  window: number,
): Promise<number | null> {
  const result = await verify({
    secret,
    token: code,
    epoch: nowSeconds,
    period: TOTP_PERIOD_SECONDS,
    digits: TOTP_DIGITS,
    epochTolerance: window * TOTP_PERIOD_SECONDS,
  });
  return result.valid && 'timeStep' in result ? result.timeStep : null;
}
