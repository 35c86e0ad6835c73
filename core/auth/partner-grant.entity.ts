import { randomUUID } from 'node:crypto';
import { defineEntity, p } from '@mikro-orm/core';
import { Merchant } from './merchant.entity.ts';
import { Partner } from './partner.entity.ts';

const PartnerGrantSchema = defineEntity({
  name: 'PartnerGrant',
  uniques: [{ properties: ['partner', 'merchant'] }],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    partner: () => p.manyToOne(Partner),
    merchant: () => p.manyToOne(Merchant),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

/** A merchant's consent that a partner may read its payments and events. */
export class PartnerGrant extends PartnerGrantSchema.class {}
PartnerGrantSchema.setClass(PartnerGrant);

export { PartnerGrantSchema };
