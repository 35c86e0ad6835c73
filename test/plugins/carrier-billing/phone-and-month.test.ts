import { describe, expect, test } from 'vitest';
import { maskPhoneNumber, normalizePhoneNumber } from '../../../plugins/carrier-billing/phone-number.ts';
import { seoulMonth } from '../../../plugins/carrier-billing/seoul-month.ts';
import { ValidationError } from '../../../schema/errors.ts';

describe('Korean mobile numbers', () => {
  test('are read the ways people write them', () => {
    for (const written of [
      '010-1234-5678',
      '01012345678',
      '010 1234 5678',
      '+82 10-1234-5678',
      '+82-010-1234-5678',
      '0082 10 1234 5678',
    ]) {
      expect(normalizePhoneNumber(written), written).toBe('01012345678');
    }
    expect(normalizePhoneNumber('011-234-5678')).toBe('0112345678');
  });

  test('anything else is a ValidationError on phoneNumber', () => {
    for (const bad of [
      '',
      '02-123-4567',
      '010-123-456',
      '0101234567',
      '010-1234-56789',
      '+1 415 555 0100',
      'phone',
    ]) {
      expect(() => normalizePhoneNumber(bad), bad).toThrow(ValidationError);
    }
  });

  test('are masked to what the owner recognises', () => {
    expect(maskPhoneNumber('01012345678')).toBe('010-****-5678');
    expect(maskPhoneNumber('0112345678')).toBe('011-***-5678');
  });
});

describe('the billing month is the month in Seoul (UTC+9, no daylight saving)', () => {
  test('turns at midnight Seoul time, not UTC', () => {
    expect(seoulMonth(new Date('2026-01-31T14:59:59Z'))).toBe('2026-01');
    expect(seoulMonth(new Date('2026-01-31T15:00:00Z'))).toBe('2026-02');
    expect(seoulMonth(new Date('2026-12-31T15:00:00Z'))).toBe('2027-01');
    expect(seoulMonth(new Date('2028-02-29T12:00:00Z'))).toBe('2028-02');
  });
});
