import { randomUUID } from 'node:crypto';
import { defineEntity, p } from '@mikro-orm/core';

const MerchantSchema = defineEntity({
  name: 'Merchant',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    name: p.string().length(200),
    /**
     * Where the merchant is established (ISO 3166-1 alpha-2 or ISO 3166-2): an establishment in
     * the Union or in Korea brings every one of its customers under the GDPR or PIPA.
     */
    country: p.string().length(6).nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

/** A tenant: every payment, customer and key belongs to exactly one. */
export class Merchant extends MerchantSchema.class {}
MerchantSchema.setClass(Merchant);

export { MerchantSchema };
