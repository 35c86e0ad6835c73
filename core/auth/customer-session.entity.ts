import { randomUUID } from 'node:crypto';
import { defineEntity, p } from '@mikro-orm/core';
import { PrivacySubject } from '../privacy/privacy-subject.entity.ts';
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
    /**
     * The end user, as its privacy subject: the merchant's reference for it is sealed under the
     * subject's own key, so shredding the subject ends its sessions too.
     */
    subject: () => p.manyToOne(PrivacySubject),
    createdAt: p.datetime().onCreate(() => new Date()),
    expiresAt: p.datetime(),
    revokedAt: p.datetime().nullable(),
  },
});

/** A short-lived bearer token a merchant's backend mints for one of its end users. */
export class CustomerSession extends CustomerSessionSchema.class {}
CustomerSessionSchema.setClass(CustomerSession);

export { CustomerSessionSchema };
