import { defineEntity, p } from '@mikro-orm/core';
import { Merchant, PrivacySubject } from '../../core/plugin-api.ts';

/** One file of an export as its manifest lists it. */
export interface ExportFile {
  readonly name: string;
  readonly contentType: string;
  /** Uncompressed size. */
  readonly bytes: number;
}

const PortabilityExportSchema = defineEntity({
  name: 'PortabilityExport',
  tableName: 'portability_export',
  properties: {
    id: p.uuid().primary(),
    merchant: () => p.manyToOne(Merchant),
    subject: () => p.manyToOne(PrivacySubject),
    kind: p.string().length(20).$type<'access' | 'portability'>(),
    requestId: p.uuid().nullable(),
    status: p.string().length(20).$type<'pending' | 'building' | 'ready' | 'failed'>(),
    /** The build's claim: the process building it renews it; another one takes over once it lapses. */
    claim: p.uuid().nullable(),
    claimedUntil: p.datetime().nullable(),
    formatVersion: p.integer(),
    files: p.json<ExportFile[]>(),
    failure: p.string().length(200).nullable(),
    createdAt: p.datetime(),
    readyAt: p.datetime().nullable(),
    expiresAt: p.datetime(),
  },
  indexes: [
    { name: 'portability_export_work_index', properties: ['status', 'claimedUntil'] },
    { name: 'portability_export_expires_at_index', properties: ['expiresAt'] },
  ],
  checks: [
    { name: 'portability_export_kind_check', expression: `"kind" in ('access', 'portability')` },
    {
      name: 'portability_export_status_check',
      expression: `"status" in ('pending', 'building', 'ready', 'failed')`,
    },
  ],
});

/** A subject's access or portability export; deleted with its chunks when it expires. */
export class PortabilityExport extends PortabilityExportSchema.class {}
PortabilityExportSchema.setClass(PortabilityExport);

const PortabilityExportChunkSchema = defineEntity({
  name: 'PortabilityExportChunk',
  tableName: 'portability_export_chunk',
  properties: {
    export: () => p.manyToOne(PortabilityExport).primary().deleteRule('cascade'),
    file: p.string().length(200).primary(),
    seq: p.integer().primary(),
    /** A piece of the file's gzip stream, base64, sealed under the subject's key. */
    data: p.text(),
  },
});

export class PortabilityExportChunk extends PortabilityExportChunkSchema.class {}
PortabilityExportChunkSchema.setClass(PortabilityExportChunk);

export { PortabilityExportChunkSchema, PortabilityExportSchema };
