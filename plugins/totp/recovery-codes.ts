import { createHash, randomInt } from 'node:crypto';

export const RECOVERY_CODE_COUNT = 10;

// Crockford's base32 alphabet: no i, l, o or u to misread.
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const LENGTH = 16;
const NORMALISED = /^[0-9a-hjkmnp-tv-z]{16}$/;

/** 16 symbols of 5 bits: 80 random bits, shown as `xxxx-xxxx-xxxx-xxxx`. */
export function mintRecoveryCode(): string {
  const symbols = Array.from({ length: LENGTH }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
  return symbols.match(/.{4}/g)!.join('-');
}

/** Case, spaces and dashes do not matter; returns null when the input cannot be a recovery code. */
export function normaliseRecoveryCode(input: string): string | null {
  const normalised = input.replace(/[\s-]/g, '').toLowerCase();
  return NORMALISED.test(normalised) ? normalised : null;
}

/**
 * SHA-256, not a slow password hash: each code carries 80 random bits, so even a leaked table
 * cannot be searched, and a fast hash lets the database find the code by equality.
 */
export function hashRecoveryCode(normalised: string): string {
  return createHash('sha256').update(normalised).digest('hex');
}
