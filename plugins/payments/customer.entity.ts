import { randomUUID } from 'node:crypto';
import { defineEntity, p } from '@mikro-orm/core';
import { Merchant } from '../../core/plugin-api.ts';

const CustomerSchema = defineEntity({
  name: 'Customer',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    merchant: () => p.manyToOne(Merchant),
    /** The merchant's own id for its end user (what `createCustomerSession` calls `customerRef`). */
    externalRef: p.string().length(200),
    /** ISO 3166-1 alpha-2 or ISO 3166-2 code (`DE`, `US-CA`, `KR`): which law applies to this person. */
    jurisdiction: p.string().length(6),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
  uniques: [{ name: 'customer_merchant_id_external_ref_unique', properties: ['merchant', 'externalRef'] }],
});

/** An end user of one merchant: who pays. */
export class Customer extends CustomerSchema.class {}
CustomerSchema.setClass(Customer);

export { CustomerSchema };
