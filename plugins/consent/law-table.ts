import { applicableLaws, EEA_COUNTRIES, type LawScope } from '../../core/plugin-api.ts';

/**
 * The few facts of each law that consent needs before the regulation packs exist (issue 11,
 * part 3): where the law applies and below which age a guardian must consent. Typed data, each
 * row citing its article (shared/REFERENCE.md); the GDPR, CPRA and PIPA packs will own these rows
 * and this file will read them from the packs instead.
 */
export interface GuardianAge {
  /** Below this age (in whole years) the subject's own consent is not enough. */
  readonly below: number;
  /** Which consents need the guardian: all of them, or only to sale or sharing. */
  readonly covers: 'every-purpose' | 'sale-or-sharing';
  readonly article: string;
}

export interface ConsentLaw extends LawScope {
  readonly guardian: GuardianAge;
}

export const CONSENT_LAWS: readonly ConsentLaw[] = [
  {
    name: 'gdpr',
    territories: EEA_COUNTRIES,
    followsEstablishment: true,
    // A member state may set a lower age, not below 13: the GDPR pack will carry those rows.
    guardian: { below: 16, covers: 'every-purpose', article: 'GDPR Art. 8(1)' },
  },
  {
    name: 'cpra',
    territories: ['US-CA'],
    followsEstablishment: false,
    // 13 to 15 opt in themselves; under 13 a parent or guardian opts in.
    guardian: { below: 13, covers: 'sale-or-sharing', article: 'Cal. Civ. Code s.1798.120(c)' },
  },
  {
    name: 'pipa',
    territories: ['KR'],
    followsEstablishment: true,
    guardian: { below: 14, covers: 'every-purpose', article: 'PIPA Art. 22-2(1)' },
  },
];

/** The laws that apply to a subject, with their consent facts. */
export function consentLawsFor(jurisdiction: string | null, merchantCountry: string | null): ConsentLaw[] {
  const names = new Set(
    applicableLaws(CONSENT_LAWS, { jurisdiction }, { establishment: merchantCountry }).map((l) => l.name),
  );
  return CONSENT_LAWS.filter((law) => names.has(law.name));
}

/** Whole years between a `YYYY-MM-DD` birth date and `now` (UTC). */
export function ageOn(birthDate: string, now: Date): number {
  const [y, m, d] = birthDate.split('-').map(Number) as [number, number, number];
  const age = now.getUTCFullYear() - y;
  const beforeBirthday = now.getUTCMonth() + 1 < m || (now.getUTCMonth() + 1 === m && now.getUTCDate() < d);
  return beforeBirthday ? age - 1 : age;
}
