import { randomUUID } from 'node:crypto';
import { defineEntity, p } from '@mikro-orm/core';

const PartnerSchema = defineEntity({
  name: 'Partner',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    name: p.string().length(200),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

/** A third party (reconciliation, analytics, a marketplace) that merchants grant read access to. */
export class Partner extends PartnerSchema.class {}
PartnerSchema.setClass(Partner);

export { PartnerSchema };
