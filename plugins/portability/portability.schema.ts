import { type GatewayBuilder, NotFoundError, registerErrorType } from '../../core/plugin-api.ts';
import type { ExportService } from './export.service.ts';
import { UnknownDataSubject } from './portability.errors.ts';
import type { ExportFile } from './portability-export.entity.ts';

/** The subject in their own session, the subject's merchant, operators: never partners or strangers. */
const READERS = { operator: true, merchant: true, customer: true } as const;

export function registerPortabilitySchema(builder: GatewayBuilder, exports: ExportService): void {
  registerErrorType(builder, UnknownDataSubject);

  const Kind = builder.enumType('DataExportKind', {
    values: {
      access: {
        description: 'Everything held about the subject, with the record of processing (GDPR Art. 15).',
      },
      portability: {
        description:
          'What the subject provided or what was observed of their use, never inferred data (GDPR Art. 20).',
      },
    },
  });
  const Status = builder.enumType('DataExportStatus', {
    values: {
      pending: { description: 'Waiting for a gateway process to build it.' },
      building: { description: 'Being built.' },
      ready: { description: 'Built: `files` and `url` are set until `expiresAt`.' },
      failed: {
        description: 'Could not be built (e.g. the subject was erased meanwhile); request a new one.',
      },
    },
  });
  const File = builder.objectRef<ExportFile & { url: string }>('DataExportFile').implement({
    description:
      'One file of an export: the JSON document or the CSV of one section (docs/export-format.md).',
    authScopes: READERS,
    fields: (t) => ({
      name: t.exposeString('name'),
      contentType: t.exposeString('contentType'),
      bytes: t.exposeInt('bytes', { description: 'Uncompressed size.' }),
      url: t.exposeString('url', {
        description: 'Path on this gateway; GET it with the same `Authorization` header as this query.',
      }),
    }),
  });
  builder.objectType('DataExport', {
    description: 'A data subject’s export, built in the background; its links work until `expiresAt`.',
    authScopes: READERS,
    fields: (t) => ({
      id: t.exposeID('id'),
      kind: t.field({ type: Kind, resolve: (e) => e.kind }),
      status: t.field({ type: Status, resolve: (e) => e.status }),
      requestId: t.exposeID('requestId', {
        nullable: true,
        description: 'The data subject request it answers.',
      }),
      formatVersion: t.exposeInt('formatVersion', { description: 'The version of docs/export-format.md.' }),
      createdAt: t.expose('createdAt', { type: 'DateTime' }),
      readyAt: t.expose('readyAt', { type: 'DateTime', nullable: true }),
      expiresAt: t.expose('expiresAt', {
        type: 'DateTime',
        description: 'The links stop working and the export is deleted.',
      }),
      url: t.exposeString('url', {
        nullable: true,
        description: 'The JSON document’s path (`/exports/<id>/export.json`) once ready.',
      }),
      files: t.field({ type: [File], resolve: (e) => e.files }),
    }),
  });

  builder.queryFields((t) => ({
    dataExport: t.withAuth(READERS).field({
      type: 'DataExport',
      description:
        'An export the caller may read: its own (customer session), its merchant’s, or any (operator).',
      args: { id: t.arg.id({ required: true }) },
      errors: { types: [NotFoundError] },
      resolve: async (_root, { id }, ctx) => {
        const found = await exports.find(ctx, String(id));
        if (!found) throw new NotFoundError('DataExport', String(id));
        return found;
      },
    }),
  }));
}
