import { once } from 'node:events';
import { createGzip, type Gzip } from 'node:zlib';
import type { EntityManager } from '@mikro-orm/core';
import { longText, query, type SubjectKeys } from '../../core/plugin-api.ts';

/** Text is handed to gzip in pieces of this size, so that 100,000 small records cost few zlib calls. */
const TEXT_BATCH = 64 * 1024;
/** Compressed bytes per stored chunk: what one process holds of a file at a time, writing or reading. */
export const CHUNK_BYTES = 1024 * 1024;

const binding = (exportId: string, file: string, seq: number) =>
  `PortabilityExportChunk.data:${exportId}/${file}/${seq}`;

/**
 * Writes one file of an export: text in, gzip out, cut into chunks that are sealed under the
 * subject's key and inserted as they fill. Memory stays at a chunk and zlib's window whatever
 * the file's size. `renew` runs after each stored chunk (the build's claim); it throws to stop.
 */
export class ExportFileWriter {
  readonly #gzip: Gzip;
  readonly #compressed: Buffer[] = [];
  #compressedBytes = 0;
  #text: string[] = [];
  #textLength = 0;
  #seq = 0;
  /** Uncompressed bytes written. */
  bytes = 0;

  readonly #em: EntityManager;
  readonly #keys: SubjectKeys;
  readonly #exportId: string;
  readonly #subjectId: string;
  readonly #renew: () => Promise<void>;
  readonly name: string;

  constructor(
    em: EntityManager,
    keys: SubjectKeys,
    exportId: string,
    subjectId: string,
    name: string,
    renew: () => Promise<void>,
  ) {
    this.#em = em;
    this.#keys = keys;
    this.#exportId = exportId;
    this.#subjectId = subjectId;
    this.name = name;
    this.#renew = renew;
    this.#gzip = createGzip({ level: 6 });
    this.#gzip.on('data', (piece: Buffer) => {
      this.#compressed.push(piece);
      this.#compressedBytes += piece.length;
    });
  }

  async write(text: string): Promise<void> {
    this.#text.push(text);
    this.#textLength += text.length;
    if (this.#textLength >= TEXT_BATCH) await this.#feed();
    if (this.#compressedBytes >= CHUNK_BYTES) await this.#store();
  }

  /** Ends the gzip stream and stores what is left. */
  async close(): Promise<void> {
    await this.#feed();
    const ended = once(this.#gzip, 'end');
    this.#gzip.end();
    await ended;
    while (this.#compressedBytes > 0) await this.#store();
  }

  async #feed(): Promise<void> {
    if (this.#textLength === 0) return;
    const piece = Buffer.from(this.#text.join(''), 'utf8');
    this.#text = [];
    this.#textLength = 0;
    this.bytes += piece.length;
    if (!this.#gzip.write(piece)) await once(this.#gzip, 'drain');
  }

  async #store(): Promise<void> {
    const all = Buffer.concat(this.#compressed);
    const chunk = all.subarray(0, CHUNK_BYTES);
    const rest = all.subarray(CHUNK_BYTES);
    this.#compressed.length = 0;
    this.#compressedBytes = rest.length;
    if (rest.length > 0) this.#compressed.push(rest);
    const seq = this.#seq++;
    const sealed = await this.#keys.seal(
      this.#em,
      this.#subjectId,
      chunk.toString('base64'),
      binding(this.#exportId, this.name, seq),
    );
    await query(
      this.#em,
      'insert into portability_export_chunk (export_id, file, seq, data) values (?, ?, ?, ?)',
      [this.#exportId, this.name, seq, longText(sealed)],
    );
    await this.#renew();
  }
}

/**
 * A stored file's gzip stream, chunk by chunk in order, one chunk in memory at a time. Null
 * pieces mean the subject's key was shredded: the export can no longer be read.
 */
export async function* readExportFile(
  em: EntityManager,
  keys: SubjectKeys,
  exportId: string,
  file: string,
): AsyncGenerator<Buffer | null> {
  for (let seq = 0; ; seq++) {
    const [row] = await query<{ data: string }>(
      em,
      'select data from portability_export_chunk where export_id = ? and file = ? and seq = ?',
      [exportId, file, seq],
    );
    if (!row) return;
    const opened = await keys.open(em, row.data, binding(exportId, file, seq));
    yield opened === null ? null : Buffer.from(opened, 'base64');
  }
}
