import { inInt64Range, MoneyError } from './money.ts';

/**
 * Metered prices go below one minor unit (0.1 KRW per API call). They are kept exactly as
 * integer millionths of a minor unit and only become money when whole minor units accrue.
 */
export const MICROS_PER_MINOR = 1_000_000n;
const MICRO_DIGITS = 6;

/** A decimal string of minor units with up to six places ("0.1", "12.000005") to micros. */
export function parseMinorDecimalToMicros(value: string): bigint {
  const match = /^(\d{1,24})(?:\.(\d+))?$/.exec(value);
  if (!match) throw new MoneyError(`"${value}" is not a non-negative decimal number of minor units`);
  const [, whole, fraction = ''] = match;
  if (fraction.length > MICRO_DIGITS) {
    throw new MoneyError(`"${value}" has more than ${MICRO_DIGITS} decimal places of a minor unit`);
  }
  // Kept in a `bigint` column as micros: at most about 9.2e12 minor units.
  return inInt64Range(BigInt(whole! + fraction.padEnd(MICRO_DIGITS, '0')), 'a price in micros');
}

/** Micros as a decimal string of minor units, trailing zeros dropped: 100000n -> "0.1". */
export function formatMicrosAsMinorDecimal(micros: bigint): string {
  const negative = micros < 0n;
  const digits = (negative ? -micros : micros).toString().padStart(MICRO_DIGITS + 1, '0');
  const whole = digits.slice(0, -MICRO_DIGITS);
  const fraction = digits.slice(-MICRO_DIGITS).replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}

/** Whole minor units ready to charge, and the remainder that stays accrued. */
export function splitWholeMinorUnits(micros: bigint): { minor: bigint; remainderMicros: bigint } {
  if (micros < 0n) throw new MoneyError('an accrual cannot be negative');
  return { minor: micros / MICROS_PER_MINOR, remainderMicros: micros % MICROS_PER_MINOR };
}
