import type { ProcessingEntry } from './record-of-processing.ts';

export type RecordFormat = 'json' | 'md';

const COLUMNS = [
  'plugin',
  'entity',
  'field',
  'category',
  'purpose',
  'basis',
  'source',
  'retention',
  'recipients',
];

const cell = (text: string): string => text.replaceAll('|', '\\|');

function row(entry: ProcessingEntry): string[] {
  const transfers = (entry.crossBorder ?? []).map(
    (t) => `abroad: ${t.to} (${t.countries.join(', ')}; ${t.safeguard})`,
  );
  return [
    entry.plugin,
    entry.entity,
    entry.field,
    entry.category,
    entry.purpose,
    entry.basis ?? '',
    entry.source ?? '',
    entry.retention,
    [...(entry.recipients ?? []), ...transfers].join('; '),
  ];
}

/**
 * The record as an operator files it: Markdown for people (personal fields first, the rest
 * after), or JSON for tools. The JSON is the entries as they are.
 */
export function formatRecord(entries: readonly ProcessingEntry[], format: RecordFormat): string {
  if (format === 'json') return `${JSON.stringify(entries, null, 2)}\n`;
  const table = (title: string, rows: readonly ProcessingEntry[]) =>
    [
      `## ${title}`,
      '',
      `| ${COLUMNS.join(' | ')} |`,
      `| ${COLUMNS.map(() => '---').join(' | ')} |`,
      ...rows.map((entry) => `| ${row(entry).map(cell).join(' | ')} |`),
      '',
    ].join('\n');
  return [
    '# Record of processing activities (GDPR Art. 30)',
    '',
    table(
      'Personal data',
      entries.filter((e) => e.personal),
    ),
    table(
      'Other stored fields',
      entries.filter((e) => !e.personal),
    ),
  ].join('\n');
}
