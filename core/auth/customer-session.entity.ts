import { randomUUID } from 'node:crypto';
import { defineEntity, p } from '@mikro-orm/core';
import { Merchant } from './merchant.entity.ts';

const CustomerSessionSchema = defineEntity({
  name: 'CustomerSession',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    tokenHash: p.string().length(64).unique(),
    merchant: () => p.manyToOne(Merchant),
    /** The merchant's own reference for its end user. */
    customerRef: p.string().length(200),
    createdAt: p.datetime().onCreate(() => new Date()),
    expiresAt: p.datetime(),
    revokedAt: p.datetime().nullable(),
  },
});

/** A short-lived bearer token a merchant's backend mints for one of its end users. */
export class CustomerSession extends CustomerSessionSchema.class {}
CustomerSessionSchema.setClass(CustomerSession);

export { CustomerSessionSchema };
