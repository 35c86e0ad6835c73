import { stringify } from 'csv-stringify/sync';
import type { ProcessingEntry } from '../../core/plugin-api.ts';

/**
 * The export's format, documented in docs/export-format.md. Bump the version for any change a
 * reader could notice (a field removed, renamed or retyped); adding a field keeps it.
 */
export const FORMAT = 'micropay-gateway/subject-export';
export const FORMAT_VERSION = 1;
export const MANIFEST_FILE = 'export.json';

/** Portability (GDPR Art. 20) carries what the subject provided and what was observed of their use. */
export const PORTABLE_SOURCES: ReadonlySet<string> = new Set(['provided', 'observed']);

/** JSON as the export writes it: bigints (money in minor units) as decimal strings, never floats. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}

/** A section's CSV file name: its name with anything but `[a-z0-9._-]` made a `-`. */
export function csvFileName(section: string, taken: ReadonlySet<string>): string {
  const base = section.toLowerCase().replace(/[^a-z0-9._-]/g, '-');
  let name = `${base}.csv`;
  for (let n = 2; taken.has(name) || name === MANIFEST_FILE; n++) name = `${base}-${n}.csv`;
  return name;
}

const CAST = {
  date: (value: Date) => value.toISOString(),
  bigint: (value: bigint) => value.toString(),
  boolean: (value: boolean) => String(value),
  object: (value: object) => toJson(value),
};

/**
 * CSV rows (RFC 4180, via csv-stringify): nested values as JSON in their cell. A cell with a line
 * break of any kind is quoted (`quoted_match`): csv-stringify quotes a CRLF on its own, not a bare
 * LF or CR, which RFC 4180 allows only inside quotes.
 */
export function csvRows(rows: readonly unknown[][]): string {
  return stringify(rows as unknown[][], {
    cast: CAST,
    eof: true,
    record_delimiter: 'windows',
    quoted_match: /[\r\n]/,
  });
}

/** The recipients of the entries that apply, each once, abroad ones with where and on what ground. */
export function recipientsOf(entries: readonly ProcessingEntry[]): string[] {
  const all = entries.flatMap((entry) => [
    ...(entry.recipients ?? []),
    ...(entry.crossBorder ?? []).map((t) => `${t.to} (abroad: ${t.countries.join(', ')}; ${t.safeguard})`),
  ]);
  return [...new Set(all)];
}
