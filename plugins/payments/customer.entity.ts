import { randomUUID } from 'node:crypto';
import { defineEntity, p } from '@mikro-orm/core';
import { Merchant, PrivacySubject } from '../../core/plugin-api.ts';

const CustomerSchema = defineEntity({
  name: 'Customer',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    merchant: () => p.manyToOne(Merchant),
    /** ISO 3166-1 alpha-2 or ISO 3166-2 code (`DE`, `US-CA`, `KR`): which law applies to this person. */
    jurisdiction: p.string().length(6),
    /**
     * The person, as its privacy subject: the merchant's own id for it (`customerRef`) is kept
     * only there, sealed under the subject's key, and found through its blind index.
     */
    subject: () => p.manyToOne(PrivacySubject),
    // The optional profile, each value sealed under the subject's key (`p1.<subject>.<...>`),
    // bound to `Customer.<field>:<customer id>`: see customer-profile.ts.
    name: p.text().nullable(),
    email: p.text().nullable(),
    phone: p.text().nullable(),
    birthDate: p.text().nullable(),
    countryOfResidence: p.text().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
  uniques: [{ name: 'customer_subject_id_unique', properties: ['subject'] }],
});

/** An end user of one merchant: who pays. */
export class Customer extends CustomerSchema.class {}
CustomerSchema.setClass(Customer);

export { CustomerSchema };
