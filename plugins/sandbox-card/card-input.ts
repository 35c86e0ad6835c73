import { ValidationError } from '../../core/plugin-api.ts';
import { findTestCard, TEST_CARDS, type TestCard } from './test-cards.ts';

/** What a customer types in; it lives only as long as the tokenize request. */
export interface CardInput {
  number: string;
  expMonth: number;
  expYear: number;
  cvc: string;
}

export interface AcceptedCard {
  card: TestCard;
  last4: string;
  expMonth: number;
  expYear: number;
}

export function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let i = digits.length - 1, double = false; i >= 0; i--, double = !double) {
    let digit = digits.charCodeAt(i) - 48;
    if (double) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
    sum += digit;
  }
  return sum % 10 === 0;
}

/** The card is good through the last day of its expiry month. */
export function isExpired(expMonth: number, expYear: number, now: Date): boolean {
  return now.getTime() >= Date.UTC(expYear, expMonth, 1);
}

const MAX_YEARS_AHEAD = 20;

/** Checks a card as an issuer's front end would; error messages never repeat the number or CVC. */
export function acceptCard(input: CardInput, now: Date): AcceptedCard {
  const number = input.number.replace(/[\s-]/g, '');
  if (!/^\d{12,19}$/.test(number))
    throw new ValidationError('number', 'the card number must be 12 to 19 digits');
  if (!passesLuhn(number)) throw new ValidationError('number', 'the card number is not valid (Luhn check)');
  const card = findTestCard(number);
  if (!card) {
    throw new ValidationError(
      'number',
      `the sandbox accepts only its ${TEST_CARDS.length} test card numbers (see the sandbox-card README)`,
    );
  }
  if (!Number.isInteger(input.expMonth) || input.expMonth < 1 || input.expMonth > 12)
    throw new ValidationError('expMonth', 'expMonth must be 1 to 12');
  const expYear = input.expYear >= 0 && input.expYear < 100 ? 2000 + input.expYear : input.expYear;
  if (!Number.isInteger(expYear) || expYear > now.getUTCFullYear() + MAX_YEARS_AHEAD)
    throw new ValidationError('expYear', 'expYear must be a year, 2 or 4 digits, at most 20 years ahead');
  if (isExpired(input.expMonth, expYear, now)) throw new ValidationError('expYear', 'the card has expired');
  const cvcLength = card.brand === 'amex' ? 4 : 3;
  if (!new RegExp(`^\\d{${cvcLength}}$`).test(input.cvc))
    throw new ValidationError('cvc', `the CVC of this card is ${cvcLength} digits`);
  return { card, last4: number.slice(-4), expMonth: input.expMonth, expYear };
}
