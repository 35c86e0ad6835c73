import { definePlugin, personal, technical } from '../../core/plugin-api.ts';
import { ExportService } from './export.service.ts';
import { exportDownloadRoute } from './export-download.route.ts';
import { Migration0001ExportTables } from './migrations/0001-export-tables.ts';
import { eraseExports, exportExports } from './portability.privacy.ts';
import { registerPortabilitySchema } from './portability.schema.ts';
import { PortabilityExportChunkSchema, PortabilityExportSchema } from './portability-export.entity.ts';
import { portabilityOptions } from './portability-options.ts';
import './global-types.ts';

/**
 * Data subjects' access and portability exports (GDPR Art. 15 and 20, CPRA s.1798.100 and
 * .110, PIPA Art. 35): built from every plugin's `subject.export` sections, stored, downloaded
 * through an authenticated link that expires.
 */
export const portabilityPlugin = definePlugin({
  name: 'portability',
  version: '1.0.0',
  description:
    'Access and portability exports of a data subject, streamed, stored, downloaded through an expiring link',
  options: portabilityOptions,
  entities: [PortabilityExportSchema, PortabilityExportChunkSchema],
  migrations: [{ name: '0001-export-tables', class: Migration0001ExportTables }],
  dataMap: {
    PortabilityExport: {
      id: technical('identify the export; names its download link'),
      merchant: technical('whose subject: the tenant'),
      subject: technical('whose data: the pseudonymous subject'),
      kind: technical('access or portability'),
      requestId: technical('the data subject request it answers'),
      status: technical('build progress'),
      claim: technical('which process builds it'),
      claimedUntil: technical('hand a dead process’s build to another'),
      formatVersion: technical('how to read it'),
      files: technical('the files and their sizes'),
      failure: technical('why it could not be built'),
      createdAt: technical('audit'),
      readyAt: technical('audit'),
      expiresAt: technical('when the link stops working and the export is deleted'),
    },
    PortabilityExportChunk: {
      export: technical('which export'),
      file: technical('which file'),
      seq: technical('order of the chunks'),
      data: personal('answer the subject’s access or portability request', {
        retention: 'P30D',
        basis: 'legal-obligation',
        source: 'derived',
        recipients: ['the data subject, or the merchant or operator acting on their request'],
      }),
    },
  },
  setup: (plugin) => {
    const { options } = plugin;
    const exports = new ExportService(plugin, {
      linkTtlSeconds: options.linkTtlSeconds,
      pollSeconds: options.pollSeconds,
      claimSeconds: 60,
    });
    const { keys } = plugin.services.privacy;
    return {
      services: exports,
      schema: (builder) => registerPortabilitySchema(builder, exports),
      routes: [exportDownloadRoute(exports, keys)],
      hooks: { 'subject.export': exportExports(keys), 'subject.erase': eraseExports(keys) },
      onReady: () => exports.start(),
      onClose: () => exports.stop(),
    };
  },
});
