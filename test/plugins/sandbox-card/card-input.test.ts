import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { acceptCard, isExpired, passesLuhn } from '../../../plugins/sandbox-card/card-input.ts';
import { TEST_CARDS } from '../../../plugins/sandbox-card/test-cards.ts';
import { ValidationError } from '../../../schema/errors.ts';

const NOW = new Date('2026-05-15T12:00:00Z');
const good = { number: '4242 4242 4242 4242', expMonth: 12, expYear: 2030, cvc: '123' };

function rejection(input: Partial<typeof good>): { field: string; message: string } {
  try {
    acceptCard({ ...good, ...input }, NOW);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return { field: (error as ValidationError).field, message: (error as ValidationError).message };
  }
  throw new Error('the card was accepted');
}

const digits = (min: number, max: number) =>
  fc.array(fc.integer({ min: 0, max: 9 }), { minLength: min, maxLength: max }).map((d) => d.join(''));

function withCheckDigit(body: string): string {
  for (let d = 0; d < 10; d++) if (passesLuhn(`${body}${d}`)) return `${body}${d}`;
  throw new Error('unreachable');
}

describe('Luhn', () => {
  test('every sandbox test card passes', () => {
    for (const card of TEST_CARDS) expect(passesLuhn(card.number), card.number).toBe(true);
  });

  test('exactly one check digit completes any body, and changing any one digit breaks it', () => {
    fc.assert(
      fc.property(digits(11, 18), fc.nat(), fc.integer({ min: 1, max: 9 }), (body, at, delta) => {
        const number = withCheckDigit(body);
        const valid = [...'0123456789'].filter((d) => passesLuhn(`${body}${d}`));
        expect(valid).toHaveLength(1);
        const i = at % number.length;
        const changed = `${number.slice(0, i)}${(Number(number[i]) + delta) % 10}${number.slice(i + 1)}`;
        expect(passesLuhn(changed)).toBe(false);
      }),
    );
  });
});

describe('acceptCard', () => {
  test('keeps brand, last 4 and expiry of a test card, with spaces or dashes in the number', () => {
    const accepted = acceptCard({ ...good, number: '4242-4242-4242-4242', expYear: 30 }, NOW);
    expect(accepted).toMatchObject({ last4: '4242', expMonth: 12, expYear: 2030 });
    expect(accepted.card).toMatchObject({ brand: 'visa', behaviour: 'approve' });
  });

  test('refuses bad input with the field named and never the number in the message', () => {
    const cases: [Partial<typeof good>, string][] = [
      [{ number: '4242' }, 'number'],
      [{ number: '4242424242424241' }, 'number'],
      [{ number: '4111111111111111' }, 'number'],
      [{ number: '42424242424242a2' }, 'number'],
      [{ expMonth: 0 }, 'expMonth'],
      [{ expMonth: 13 }, 'expMonth'],
      [{ expYear: 2025 }, 'expYear'],
      [{ expMonth: 4, expYear: 2026 }, 'expYear'],
      [{ expYear: 2090 }, 'expYear'],
      [{ cvc: '12' }, 'cvc'],
      [{ cvc: '1234' }, 'cvc'],
      [{ number: '378282246310005', cvc: '123' }, 'cvc'],
    ];
    for (const [input, field] of cases) {
      const refused = rejection(input);
      expect(refused.field, JSON.stringify(input)).toBe(field);
      expect(refused.message).not.toMatch(/\d{6,}/);
    }
  });

  test('Luhn-valid numbers that are not test cards are refused: a sandbox takes no real cards', () => {
    fc.assert(
      fc.property(digits(15, 15), (body) => {
        const number = withCheckDigit(`4${body}`);
        fc.pre(!TEST_CARDS.some((c) => c.number === number));
        expect(rejection({ number }).message).toMatch(/test card/);
      }),
    );
  });

  test('a card is good through the last day of its expiry month', () => {
    expect(isExpired(5, 2026, new Date('2026-05-31T23:59:59Z'))).toBe(false);
    expect(isExpired(5, 2026, new Date('2026-06-01T00:00:00Z'))).toBe(true);
    expect(isExpired(12, 2026, new Date('2027-01-01T00:00:00Z'))).toBe(true);
  });
});
