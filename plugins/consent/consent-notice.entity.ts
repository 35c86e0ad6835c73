import { randomUUID } from 'node:crypto';
import { defineEntity, p } from '@mikro-orm/core';
import { Merchant } from '../../core/plugin-api.ts';
import type { NoticeContent } from './notice-content.ts';

const ConsentNoticeSchema = defineEntity({
  name: 'ConsentNotice',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    merchant: () => p.manyToOne(Merchant),
    /** The merchant's name for the notice (`checkout`); versions of one key replace each other. */
    key: p.string().length(100),
    version: p.integer(),
    /** BCP 47 language (`ko`, `en`); each language has its own versions. */
    language: p.string().length(16),
    /** ISO 3166 codes of the subjects it is shown to (`KR`, `US-CA`); a country covers its subdivisions. */
    territories: p.json<string[]>(),
    content: p.json<NoticeContent>(),
    contentHash: p.string().length(64),
    publishedBy: p.string().length(100),
    publishedAt: p.datetime().onCreate(() => new Date()),
  },
  uniques: [
    {
      name: 'consent_notice_merchant_id_key_language_version_unique',
      properties: ['merchant', 'key', 'language', 'version'],
    },
  ],
});

/** One version of a notice: never changed once published, so a receipt can always show what was shown. */
export class ConsentNotice extends ConsentNoticeSchema.class {}
ConsentNoticeSchema.setClass(ConsentNotice);

export { ConsentNoticeSchema };
