import type { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { isUuid, type PluginRoute, type SubjectKeys } from '../../core/plugin-api.ts';
import { type ExportService, ROUTE_PREFIX } from './export.service.ts';
import { readExportFile } from './export-file-store.ts';

function refuse(res: ServerResponse, status: number, error: string): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify({ error }));
}

/** Whether the client takes `Content-Encoding: gzip` (RFC 9110 12.5.3; `gzip;q=0` refuses it). */
function acceptsGzip(header: string | null): boolean {
  return (header ?? '').split(',').some((part) => {
    const [coding, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return (coding === 'gzip' || coding === '*') && (q === undefined || Number(q.slice(2)) > 0);
  });
}

/**
 * `GET /exports/<id>/<file>` with the caller's `Authorization: Bearer` credential: the file
 * streamed from its stored chunks, gzip as stored when the client accepts it (browsers, curl
 * --compressed), inflated on the way otherwise. Anything the caller may not read, an expired
 * link and an unknown file all answer 404, so a link tells a stranger nothing.
 */
export function exportDownloadRoute(exports: ExportService, keys: SubjectKeys): PluginRoute {
  return {
    prefix: ROUTE_PREFIX,
    async handle({ ctx, method, rest }, res) {
      if (method !== 'GET' && method !== 'HEAD') {
        res.setHeader('allow', 'GET, HEAD');
        return refuse(res, 405, 'method not allowed');
      }
      if (ctx.principal.kind === 'anonymous') {
        res.setHeader('www-authenticate', 'Bearer');
        return refuse(
          res,
          401,
          'a download needs the credential of the subject, its merchant or an operator',
        );
      }
      const [id, encoded, ...more] = rest.split('/');
      const file = encoded ? safeDecode(encoded) : undefined;
      const found = id && isUuid(id) && file && more.length === 0 ? await exports.find(ctx, id) : null;
      const listed = found?.files.find((f) => f.name === file);
      if (!found || !listed) return refuse(res, 404, 'no such export, or it has expired');
      const gzip = acceptsGzip(ctx.headers.get('accept-encoding'));
      res.writeHead(200, {
        'content-type': listed.contentType,
        'content-disposition': `attachment; filename="${listed.name}"`,
        'cache-control': 'private, no-store',
        vary: 'accept-encoding',
        ...(gzip ? { 'content-encoding': 'gzip' } : { 'content-length': String(listed.bytes) }),
      });
      if (method === 'HEAD') return void res.end();
      async function* chunks() {
        for await (const piece of readExportFile(ctx.em, keys, found!.id, listed!.name)) {
          // The subject was erased after the export was built: what is left cannot be read.
          if (piece === null) throw new Error('the export’s subject key was shredded');
          yield piece;
        }
      }
      // One stored chunk read ahead, not Readable.from's default of 16 (16 MB per download).
      const source = Readable.from(chunks(), { highWaterMark: 1 });
      await (gzip ? pipeline(source, res) : pipeline(source, createGunzip(), res)).catch((error: unknown) => {
        ctx.log.warn({ err: error, exportId: found.id }, 'data export download ended early');
        res.destroy();
      });
    },
  };
}

function safeDecode(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}
