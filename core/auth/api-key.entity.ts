import { randomUUID } from 'node:crypto';
import { defineEntity, p } from '@mikro-orm/core';
import { Merchant } from './merchant.entity.ts';
import { Partner } from './partner.entity.ts';

export const API_KEY_KINDS = ['operator', 'merchant', 'partner'] as const;
export type ApiKeyKind = (typeof API_KEY_KINDS)[number];

const ApiKeySchema = defineEntity({
  name: 'ApiKey',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    kind: p.enum(API_KEY_KINDS),
    label: p.string().length(200),
    /** The first characters of the key, so people can tell keys apart; not enough to use it. */
    prefix: p.string().length(16),
    /** SHA-256 of the key: keys carry 256 random bits, so a fast hash is enough and lookups stay O(1). */
    secretHash: p.string().length(64).unique(),
    merchant: () => p.manyToOne(Merchant).nullable(),
    partner: () => p.manyToOne(Partner).nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    revokedAt: p.datetime().nullable(),
  },
});

export class ApiKey extends ApiKeySchema.class {}
ApiKeySchema.setClass(ApiKey);

export { ApiKeySchema };
