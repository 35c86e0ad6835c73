import { randomUUID } from 'node:crypto';
import { defineEntity, p } from '@mikro-orm/core';
import { Merchant, PrivacySubject } from '../../core/plugin-api.ts';
import { CARRIERS } from './phone-number.ts';
import { CarrierSubscriber } from './subscriber.entity.ts';

const CarrierBillingSourceSchema = defineEntity({
  name: 'CarrierBillingSource',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    subscriber: () => p.manyToOne(CarrierSubscriber),
    merchant: () => p.manyToOne(Merchant),
    /**
     * The end user who verified the phone through a customer session, as its privacy subject
     * (never the merchant's reference in clear); null when the merchant's backend did.
     */
    subject: () => p.manyToOne(PrivacySubject).nullable(),
    carrier: p.enum(CARRIERS),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

/** A verified phone subscription a merchant may bill: the `sourceId` of carrier-billing payments. */
export class CarrierBillingSource extends CarrierBillingSourceSchema.class {}
CarrierBillingSourceSchema.setClass(CarrierBillingSource);

export { CarrierBillingSourceSchema };
