import type { EntityManager } from '@mikro-orm/core';
import type { GatewayServices, PluginSection } from '../../core/plugin-api.ts';
import { ExportFileWriter } from './export-file-store.ts';
import {
  csvFileName,
  csvRows,
  FORMAT,
  FORMAT_VERSION,
  MANIFEST_FILE,
  PORTABLE_SOURCES,
  recipientsOf,
  toJson,
} from './export-format.ts';
import type { ExportFile } from './portability-export.entity.ts';

export interface ExportJob {
  readonly id: string;
  readonly merchantId: string;
  readonly subjectId: string;
  readonly kind: 'access' | 'portability';
  readonly requestId: string | null;
}

/** CSV rows handed to csv-stringify at once. */
const CSV_BATCH = 500;

/**
 * Builds an export's files in one pass over every plugin's sections: each record is written to
 * the JSON document and to its section's CSV file as it is read, so neither the records nor a
 * file is ever held whole. Returns the files, or null when the subject was shredded meanwhile.
 */
export async function buildExport(
  em: EntityManager,
  services: GatewayServices,
  job: ExportJob,
  renew: () => Promise<void>,
): Promise<ExportFile[] | null> {
  const { privacy } = services;
  const customerRef = await privacy.keys.customerRef(em, job.subjectId);
  if (customerRef === null) return null;
  const subject = { merchantId: job.merchantId, customerRef };
  const all = await privacy.exportSubject(em, subject);
  const included = job.kind === 'access' ? all : all.filter((s) => PORTABLE_SOURCES.has(s.source));
  const omitted = all.filter((s) => !included.includes(s));
  const writer = (name: string) => new ExportFileWriter(em, privacy.keys, job.id, job.subjectId, name, renew);

  const manifest = writer(MANIFEST_FILE);
  const files: { writer: ExportFileWriter; contentType: string }[] = [];
  await manifest.write(
    `{"format":${toJson(FORMAT)},"version":${FORMAT_VERSION},"kind":${toJson(job.kind)},"exportId":${toJson(job.id)},` +
      `"requestId":${toJson(job.requestId)},"generatedAt":${toJson(new Date())},"subject":${toJson(subject)},"sections":[`,
  );
  const withRecords = new Set<string>(['privacy']);
  const taken = new Set<string>();
  for (const [index, section] of included.entries()) {
    const csv = writer(csvFileName(section.name, taken));
    taken.add(csv.name);
    files.push({ writer: csv, contentType: 'text/csv; charset=utf-8' });
    const count = await writeSection(section, index, manifest, csv);
    if (count > 0) withRecords.add(section.plugin);
    await csv.close();
  }
  await manifest.write(
    `],"omitted":${toJson(omitted.map(({ name, plugin, source }) => ({ name, plugin, source })))}`,
  );
  if (job.kind === 'access') {
    // The entries that apply: personal fields of the plugins that hold something about the subject.
    const entries = privacy.record.filter((entry) => entry.personal && withRecords.has(entry.plugin));
    await manifest.write(`,"processing":${toJson(entries)},"recipients":${toJson(recipientsOf(entries))}`);
  }
  await manifest.write('}\n');
  await manifest.close();
  return [
    { name: MANIFEST_FILE, contentType: 'application/json', bytes: manifest.bytes },
    ...files.map(({ writer: w, contentType }) => ({ name: w.name, contentType, bytes: w.bytes })),
  ];
}

/** One section: its records into the JSON document and its CSV file (columns: the first record's fields). */
async function writeSection(
  section: PluginSection,
  index: number,
  manifest: ExportFileWriter,
  csv: ExportFileWriter,
): Promise<number> {
  await manifest.write(
    `${index > 0 ? ',' : ''}{"name":${toJson(section.name)},"plugin":${toJson(section.plugin)},` +
      `"source":${toJson(section.source)},"csv":${toJson(csv.name)},"records":[`,
  );
  let columns: string[] | undefined;
  let rows: unknown[][] = [];
  let count = 0;
  for await (const record of section.records) {
    await manifest.write(`${count > 0 ? ',' : ''}${toJson(record)}`);
    if (!columns) {
      columns = Object.keys(record);
      rows.push(columns);
    }
    rows.push(columns.map((column) => record[column] ?? null));
    if (rows.length >= CSV_BATCH) {
      await csv.write(csvRows(rows));
      rows = [];
    }
    count++;
  }
  if (rows.length > 0) await csv.write(csvRows(rows));
  await manifest.write(`],"count":${count}}`);
  return count;
}
