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

export interface FieldClassification {
  category: DataCategory;
  purpose: string;
  retention: Retention;
}

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

/** About a natural person: the retention is always a decision, so it has no default. */
export const personal = (purpose: string, retention: Retention): FieldClassification => ({
  category: 'personal',
  purpose,
  retention,
});
