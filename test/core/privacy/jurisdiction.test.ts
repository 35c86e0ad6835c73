import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  applicableLaws,
  countryOf,
  EEA_COUNTRIES,
  type LawScope,
} from '../../../core/privacy/jurisdiction.ts';

// The scopes the three packs declare (their own tests check that they do).
const LAWS: readonly LawScope[] = [
  { name: 'gdpr', territories: EEA_COUNTRIES, followsEstablishment: true },
  { name: 'cpra', territories: ['US-CA'], followsEstablishment: false },
  { name: 'pipa', territories: ['KR'], followsEstablishment: true },
];

const laws = (jurisdiction: string | null, establishment: string | null = null) =>
  applicableLaws(LAWS, { jurisdiction }, { establishment }).map((l) => `${l.name}:${l.because}`);

describe('which law applies to a subject', () => {
  test.each([
    ['FR', ['gdpr:residence']],
    ['FR-75', ['gdpr:residence']],
    ['NO', ['gdpr:residence']], // EEA, not EU
    ['IS', ['gdpr:residence']],
    ['CH', []], // neither EU nor EEA
    ['GB', []], // left the EU: UK GDPR is not this pack
    ['US-CA', ['cpra:residence']],
    ['US-NY', []],
    ['US', []], // a country code says nothing about the state
    ['KR', ['pipa:residence']],
    ['KR-11', ['pipa:residence']],
    ['JP', []],
  ])('a subject in %s, merchant established nowhere known', (jurisdiction, expected) => {
    expect(laws(jurisdiction)).toEqual(expected);
  });

  test.each([['XX'], ['ZZ'], ['EU'], ['fr'], ['FRA'], ['F'], [''], ['US-'], ['QQ-1']])(
    'an unknown or malformed code (%s) is no jurisdiction: no law by residence',
    (code) => {
      expect(countryOf(code)).toBeNull();
      expect(laws(code)).toEqual([]);
    },
  );

  test('an EU merchant is under the GDPR for every customer, wherever they live (Art. 3(1))', () => {
    expect(laws('US-NY', 'DE')).toEqual(['gdpr:establishment']);
    expect(laws('KR', 'DE')).toEqual(['pipa:residence', 'gdpr:establishment']);
    expect(laws(null, 'DE')).toEqual(['gdpr:establishment']);
  });

  test('a Californian merchant does not bring the CPRA to non-residents', () => {
    expect(laws('US-NY', 'US-CA')).toEqual([]);
    expect(laws('FR', 'US-CA')).toEqual(['gdpr:residence']);
  });

  test('a Korean merchant is under PIPA for every customer', () => {
    expect(laws('US-CA', 'KR')).toEqual(['cpra:residence', 'pipa:establishment']);
  });

  test('properties: residence in a territory always applies its law once; establishment never duplicates it', () => {
    const countries = fc.constantFrom(...EEA_COUNTRIES, 'US-CA', 'US-NY', 'KR', 'JP', 'BR', 'XX', 'CH');
    const subdivision = fc.stringMatching(/^[A-Z0-9]{1,3}$/);
    const jurisdiction = fc.oneof(
      countries,
      fc.tuple(fc.constantFrom(...EEA_COUNTRIES, 'KR'), subdivision).map(([c, s]) => `${c}-${s}`),
      fc.constant(null),
    );
    fc.assert(
      fc.property(jurisdiction, fc.oneof(countries, fc.constant(null)), (subject, merchant) => {
        const found = applicableLaws(LAWS, { jurisdiction: subject }, { establishment: merchant });
        expect(new Set(found.map((l) => l.name)).size).toBe(found.length);
        const country = subject === null ? null : countryOf(subject);
        if (country && EEA_COUNTRIES.includes(country)) {
          expect(found).toContainEqual({ name: 'gdpr', because: 'residence' });
        }
        if (merchant && EEA_COUNTRIES.includes(merchant)) expect(found.map((l) => l.name)).toContain('gdpr');
        if (found.some((l) => l.name === 'cpra')) expect(subject).toBe('US-CA');
      }),
    );
  });
});
