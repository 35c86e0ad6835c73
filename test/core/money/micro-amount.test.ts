import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  formatMicrosAsMinorDecimal,
  MICROS_PER_MINOR,
  parseMinorDecimalToMicros,
  splitWholeMinorUnits,
} from '../../../core/money/micro-amount.ts';
import { MoneyError } from '../../../core/money/money.ts';

describe('micro-amounts', () => {
  test('parse and format are exact inverses', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }), (micros) => {
        expect(parseMinorDecimalToMicros(formatMicrosAsMinorDecimal(micros))).toBe(micros);
      }),
    );
    expect(parseMinorDecimalToMicros('0.1')).toBe(100_000n);
    expect(formatMicrosAsMinorDecimal(2_500_000n)).toBe('2.5');
  });

  test('splitting keeps every micro: whole units plus the remainder', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 20n }), (micros) => {
        const { minor, remainderMicros } = splitWholeMinorUnits(micros);
        expect(minor * MICROS_PER_MINOR + remainderMicros).toBe(micros);
        expect(remainderMicros).toBeLessThan(MICROS_PER_MINOR);
      }),
    );
  });

  test('a price whose micros a bigint column cannot hold is refused (issue 17)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 2n ** 63n, max: 10n ** 30n - 1n }), (micros) => {
        expect(() => parseMinorDecimalToMicros(formatMicrosAsMinorDecimal(micros))).toThrow(MoneyError);
      }),
    );
  });

  test('more than six decimals, signs and junk are refused', () => {
    for (const bad of ['0.0000001', '-1', '1e3', '', '1.', ' 1']) {
      expect(() => parseMinorDecimalToMicros(bad)).toThrow(MoneyError);
    }
  });
});
