/**
 * Which laws apply to a subject. A jurisdiction is an ISO 3166-1 alpha-2 country (`FR`, `KR`)
 * or an ISO 3166-2 subdivision (`US-CA`). A law (a regulation pack) says where it protects
 * residents and whether it also follows the merchant's establishment: the GDPR covers every
 * subject of a controller established in the Union (Art. 3(1)), PIPA every subject of a
 * personal information controller in Korea (Art. 2(5), Art. 3), while the CPRA protects
 * California residents only (Civ. Code s.1798.140(i)), wherever the business sits.
 */
export interface LawScope {
  /** The pack's plugin name (`gdpr`). */
  readonly name: string;
  /** Countries or subdivisions; a country covers its subdivisions (`FR` covers `FR-75`). */
  readonly territories: readonly string[];
  /** True when an establishment in a territory brings every subject of that merchant under the law. */
  readonly followsEstablishment: boolean;
}

export interface ApplicableLaw {
  readonly name: string;
  /** Why it applies: the subject lives there, or the merchant is established there. */
  readonly because: 'residence' | 'establishment';
}

/** The European Economic Area: the 27 EU member states, Iceland, Liechtenstein and Norway. */
export const EEA_COUNTRIES: readonly string[] = [
  'AT',
  'BE',
  'BG',
  'HR',
  'CY',
  'CZ',
  'DK',
  'EE',
  'FI',
  'FR',
  'DE',
  'GR',
  'HU',
  'IE',
  'IT',
  'LV',
  'LT',
  'LU',
  'MT',
  'NL',
  'PL',
  'PT',
  'RO',
  'SK',
  'SI',
  'ES',
  'SE',
  'IS',
  'LI',
  'NO',
];

const SHAPE = /^([A-Z]{2})(?:-([A-Z0-9]{1,3}))?$/;
// Reserved by ISO 3166/MA for other uses; Intl names some of them, but no subject lives there.
const NOT_A_COUNTRY = new Set(['EU', 'EZ', 'UN', 'UK', 'QO', 'ZZ']);
const regions = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'code' });

/**
 * The country of a well-formed, assigned jurisdiction code, or null: lower case, `XX`, `EU`,
 * private-use codes and junk are not jurisdictions. Subdivision codes are checked for shape
 * only (their country must exist).
 */
export function countryOf(jurisdiction: string): string | null {
  const match = SHAPE.exec(jurisdiction);
  if (!match) return null;
  const country = match[1]!;
  if (NOT_A_COUNTRY.has(country) || regions.of(country) === country) return null;
  return country;
}

/** Whether `territory` covers `jurisdiction`: the same code, or the country of a subdivision. */
export function covers(territory: string, jurisdiction: string): boolean {
  return territory === jurisdiction || (!territory.includes('-') && countryOf(jurisdiction) === territory);
}

/**
 * The laws that apply to a merchant's subject, each once, residence first. An unknown or
 * missing jurisdiction matches no territory by residence: only the establishment rule can
 * apply, and what a merchant does about that is the packs' documented default.
 */
export function applicableLaws(
  laws: readonly LawScope[],
  subject: { jurisdiction: string | null },
  merchant: { establishment: string | null },
): readonly ApplicableLaw[] {
  const found = new Map<string, ApplicableLaw>();
  const inside = (law: LawScope, code: string | null) =>
    code !== null && countryOf(code) !== null && law.territories.some((t) => covers(t, code));
  for (const law of laws) {
    if (inside(law, subject.jurisdiction)) found.set(law.name, { name: law.name, because: 'residence' });
  }
  for (const law of laws) {
    if (!found.has(law.name) && law.followsEstablishment && inside(law, merchant.establishment)) {
      found.set(law.name, { name: law.name, because: 'establishment' });
    }
  }
  return [...found.values()];
}
