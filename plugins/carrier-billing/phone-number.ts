export const CARRIERS = ['SKT', 'KT', 'LGU'] as const;
export type Carrier = (typeof CARRIERS)[number];

export const CARRIER_NAMES: Record<Carrier, string> = { SKT: 'SKT', KT: 'KT', LGU: 'LG U+' };

// 010 numbers have 11 digits; the older 011/016/017/018/019 prefixes 10 or 11.
const MOBILE = /^(010\d{8}|01[16789]\d{7,8})$/;

/** A Korean mobile number as 10 or 11 digits (`01012345678`), from the ways people write it. */
export function normalizePhoneNumber(input: string): string {
  const digits = input.replace(/[\s().-]/g, '').replace(/^(\+82|0082)0?/, '0');
  if (!MOBILE.test(digits))
    throw new ValidationError('phoneNumber', 'expected a Korean mobile number such as 010-1234-5678');
  return digits;
}

/** `010-****-5678`: enough for the owner to recognise, not enough to call. */
export function maskPhoneNumber(phone: string): string {
  const middle = phone.length === 11 ? '****' : '***';
  return `${phone.slice(0, 3)}-${middle}-${phone.slice(-4)}`;
}

import { ValidationError } from '../../core/plugin-api.ts';
