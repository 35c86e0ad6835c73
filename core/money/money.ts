import { currencyExponent, isCurrency } from './currencies.ts';

/** An exact amount: integer minor units (cents, won, fils) of one currency. Never a float. */
export interface Money {
  readonly amount: bigint;
  readonly currency: string;
}

export class MoneyError extends Error {
  override readonly name = 'MoneyError';
}

export function money(amount: bigint, currency: string): Money {
  if (!isCurrency(currency)) throw new MoneyError(`${currency} is not an ISO 4217 currency code`);
  return { amount, currency };
}

/** The ledger keeps amounts in PostgreSQL `bigint`: a signed 64-bit integer. */
export const MAX_AMOUNT = 2n ** 63n - 1n;
export const MIN_AMOUNT = -(2n ** 63n);

/** `amount`, refused with a MoneyError when the ledger cannot hold it. */
export function inInt64Range(amount: bigint, what = 'amount'): bigint {
  if (amount > MAX_AMOUNT || amount < MIN_AMOUNT) {
    throw new MoneyError(`${what} must be between ${MIN_AMOUNT} and ${MAX_AMOUNT} minor units`);
  }
  return amount;
}

/** Minor units from an integer string ("1234" is USD 12.34): how the API carries amounts. */
export function parseMinorUnits(value: string, currency: string): Money {
  if (!/^-?\d{1,30}$/.test(value))
    throw new MoneyError(`amount must be an integer number of minor units, got "${value}"`);
  return money(inInt64Range(BigInt(value)), currency);
}

/** A major-unit decimal string ("12.34" USD) to minor units, refusing digits the currency does not have. */
export function parseDecimal(value: string, currency: string): Money {
  const exponent = currencyExponent(currency);
  const match = /^(-?)(\d{1,27})(?:\.(\d+))?$/.exec(value);
  if (!match) throw new MoneyError(`"${value}" is not a decimal amount`);
  const [, sign, whole, fraction = ''] = match;
  if (fraction.length > exponent) {
    throw new MoneyError(`${currency} has ${exponent} decimal place(s); "${value}" has ${fraction.length}`);
  }
  const minor = BigInt(whole! + fraction.padEnd(exponent, '0'));
  return money(inInt64Range(sign === '-' ? -minor : minor), currency);
}

/** Minor units to a major-unit decimal string, exactly: 1234n USD -> "12.34", 1000n KRW -> "1000". */
export function formatDecimal(value: Money): string {
  const exponent = currencyExponent(value.currency);
  const negative = value.amount < 0n;
  const digits = (negative ? -value.amount : value.amount).toString().padStart(exponent + 1, '0');
  const whole = digits.slice(0, digits.length - exponent);
  const fraction = exponent > 0 ? `.${digits.slice(digits.length - exponent)}` : '';
  return `${negative ? '-' : ''}${whole}${fraction}`;
}

function sameCurrency(a: Money, b: Money): void {
  if (a.currency !== b.currency) throw new MoneyError(`cannot combine ${a.currency} with ${b.currency}`);
}

export function add(a: Money, b: Money): Money {
  sameCurrency(a, b);
  return { amount: a.amount + b.amount, currency: a.currency };
}

export function subtract(a: Money, b: Money): Money {
  sameCurrency(a, b);
  return { amount: a.amount - b.amount, currency: a.currency };
}

export function compare(a: Money, b: Money): -1 | 0 | 1 {
  sameCurrency(a, b);
  return a.amount < b.amount ? -1 : a.amount > b.amount ? 1 : 0;
}
