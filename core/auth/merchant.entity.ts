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
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

/** A tenant: every payment, customer and key belongs to exactly one. */
export class Merchant extends MerchantSchema.class {}
MerchantSchema.setClass(Merchant);

export { MerchantSchema };
