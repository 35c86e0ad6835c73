import type { EntitySchema } from '@mikro-orm/core';
import { BootError } from '../boot-error.ts';

/**
 * What a stored field is, why we keep it and for how long. The privacy kernel reads this to
 * answer access and erasure requests; the registry refuses to boot while a stored field is
 * missing from it, so data mapping cannot be forgotten.
 */
export type DataCategory =
  /** Our own ids, foreign keys, timestamps: not about a person on their own. */
  | 'technical'
  /** Identifies or describes a natural person (name, phone, email, jurisdiction). */
  | 'personal'
  /** Special categories (GDPR Art. 9, CPRA s.1798.140(ae), PIPA Art. 23). */
  | 'sensitive'
  /** Amounts, balances, payment records (kept under payment-record retention law). */
  | 'financial'
  /** Secrets and their hashes: keys, TOTP secrets, recovery codes. Never exported. */
  | 'credential';

/** `P<n>Y` / `P<n>M` / `P<n>D` (ISO 8601), or a lifecycle rule. */
export type Retention = `P${number}${'Y' | 'M' | 'D'}` | 'while-active' | 'until-revoked' | 'legal-hold';

/** Why the law lets us process a personal field (GDPR Art. 6(1); PIPA Art. 15(1); CPRA's business purposes). */
export type LegalBasis =
  | 'contract'
  | 'legal-obligation'
  | 'consent'
  | 'legitimate-interest'
  | 'vital-interest'
  | 'public-task';

/**
 * Where a personal value comes from. Portability (GDPR Art. 20) covers only what the subject
 * provided or what was observed from their use; inferred and derived data stay out of it.
 */
export type DataSource = 'provided' | 'observed' | 'inferred' | 'derived';

/** A transfer of the field out of the country where the gateway runs, with its safeguard (GDPR Ch. V; PIPA Art. 28-8). */
export interface CrossBorderTransfer {
  /** Who receives it abroad, in words (`the card network`). */
  to: string;
  /** ISO 3166-1 countries, or `any` when the recipient chooses. */
  countries: readonly string[];
  /** The legal ground: `adequacy decision`, `standard contractual clauses`, `consent`... */
  safeguard: string;
}

export interface FieldClassification {
  category: DataCategory;
  /** What the field is for, in words. */
  purpose: string;
  retention: Retention;
  /** Required for personal and sensitive fields: boot refuses one without it. */
  basis?: LegalBasis;
  /** Required for personal and sensitive fields. */
  source?: DataSource;
  /**
   * Who outside the gateway receives the field, in words (`the merchant through the API`,
   * `partners through events and webhooks`, `the carrier`). Absent: nobody.
   */
  recipients?: readonly string[];
  /** Absent: the field does not leave the country where the gateway runs. */
  crossBorder?: readonly CrossBorderTransfer[];
}

/** Personal data in the sense of GDPR Art. 4(1): it identifies or describes a natural person. */
export const isPersonal = (field: FieldClassification): boolean =>
  field.category === 'personal' || field.category === 'sensitive';

/** Entity name -> stored field -> classification. */
export type DataMap = Record<string, Record<string, FieldClassification>>;

// Inverse sides of relations are not columns of this entity: they are stored (and mapped) on the other side.
const VIRTUAL_KINDS = new Set(['1:m']);

function storedFields(schema: EntitySchema): string[] {
  return Object.entries(schema.meta.properties)
    .filter(([, prop]) => {
      const p = prop as { kind?: string; persist?: boolean; mappedBy?: string };
      if (p.persist === false) return false;
      if (VIRTUAL_KINDS.has(p.kind ?? '')) return false;
      return !((p.kind === 'm:n' || p.kind === '1:1') && p.mappedBy);
    })
    .map(([name]) => name);
}

/** Every stored field classified, and nothing classified that is not stored. */
export function assertDataMapCovers(
  plugin: string,
  entities: readonly EntitySchema[],
  dataMap: DataMap | undefined,
): void {
  const map = dataMap ?? {};
  for (const schema of entities) {
    const entity = schema.meta.className;
    const classified = map[entity] ?? {};
    const stored = storedFields(schema);
    const missing = stored.filter((field) => !(field in classified));
    if (missing.length > 0) {
      throw new BootError({
        plugin,
        problem: `entity ${entity} stores ${missing.map((f) => `"${f}"`).join(', ')} without a data map entry`,
        fix: `add dataMap.${entity}.${missing[0]} = { category, purpose, retention } to the plugin definition`,
      });
    }
    for (const [field, classification] of Object.entries(classified)) {
      if (!isPersonal(classification)) continue;
      const lacking = (['basis', 'source'] as const).filter((key) => classification[key] === undefined);
      if (lacking.length > 0) {
        throw new BootError({
          plugin,
          problem: `dataMap.${entity}.${field} is personal data without a ${lacking.join(' or a ')}`,
          fix: `classify it with personal(purpose, { retention, basis, source }) (basis: contract, legal-obligation, consent, legitimate-interest...; source: provided, observed, inferred or derived)`,
        });
      }
    }
    const stale = Object.keys(classified).filter((field) => !stored.includes(field));
    if (stale.length > 0) {
      throw new BootError({
        plugin,
        problem: `dataMap.${entity} classifies ${stale.map((f) => `"${f}"`).join(', ')}, which the entity does not store`,
        fix: `remove the stale entries or add the fields to ${entity}`,
      });
    }
  }
  const known = new Set(entities.map((e) => e.meta.className));
  const unknown = Object.keys(map).filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new BootError({
      plugin,
      problem: `dataMap names ${unknown.join(', ')}, which is not one of the plugin's entities`,
      fix: 'list the entity in `entities` or remove its data map',
    });
  }
}

/** Our own ids, keys and timestamps; kept while the row they belong to is. */
export const technical = (purpose: string, retention: Retention = 'while-active'): FieldClassification => ({
  category: 'technical',
  purpose,
  retention,
});

/** Secrets and their hashes: never exported, gone when revoked. */
export const credential = (purpose: string, retention: Retention = 'until-revoked'): FieldClassification => ({
  category: 'credential',
  purpose,
  retention,
});

/** Payment records: five years by default (Korea's E-Commerce Act and EFTA Art. 22; AML in the EU). */
export const paymentRecord = (purpose: string, retention: Retention = 'P5Y'): FieldClassification => ({
  category: 'financial',
  purpose,
  retention,
});

/** How a personal field is processed: each part is a decision, so none has a default. */
export interface PersonalProcessing {
  retention: Retention;
  basis: LegalBasis;
  source: DataSource;
  recipients?: readonly string[];
  crossBorder?: readonly CrossBorderTransfer[];
}

/** About a natural person: its retention, legal basis and source are always a decision. */
export const personal = (purpose: string, processing: PersonalProcessing): FieldClassification => ({
  category: 'personal',
  purpose,
  ...processing,
});
