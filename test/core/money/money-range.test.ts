import fc from 'fast-check';
import { expect, test } from 'vitest';
import {
  MAX_AMOUNT,
  MIN_AMOUNT,
  MoneyError,
  parseDecimal,
  parseMinorUnits,
} from '../../../core/money/money.ts';

// Issue 17: the parser took 30 digits and the ledger's bigint column refused them with a 500.
test('every amount a bigint holds parses exactly; every other is a MoneyError', () => {
  fc.assert(
    fc.property(fc.bigInt({ min: MIN_AMOUNT, max: MAX_AMOUNT }), (amount) => {
      expect(parseMinorUnits(amount.toString(), 'KRW').amount).toBe(amount);
    }),
  );
  const outside = fc.oneof(
    fc.bigInt({ min: MAX_AMOUNT + 1n, max: 10n ** 30n - 1n }),
    fc.bigInt({ min: -(10n ** 30n) + 1n, max: MIN_AMOUNT - 1n }),
  );
  fc.assert(
    fc.property(outside, (amount) => {
      expect(() => parseMinorUnits(amount.toString(), 'KRW')).toThrow(MoneyError);
      expect(() => parseDecimal(amount.toString(), 'KRW')).toThrow(MoneyError);
    }),
  );
});
