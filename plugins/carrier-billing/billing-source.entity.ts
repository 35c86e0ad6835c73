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
     * (never the merchant's reference in clear), or the customer a merchant's backend named;
     * null only on rows written before a merchant's backend had to name one.
     */
    subject: () => p.manyToOne(PrivacySubject).nullable(),
    /**
     * The phone number, sealed under the subject's key and bound to `CarrierBillingSource.phone:<id>`;
     * null once erased, or for a row written before numbers moved to subject keys without an owner.
     */
    phoneSealed: p.text().nullable(),
    carrier: p.enum(CARRIERS),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

/** A verified phone subscription a merchant may bill: the `sourceId` of carrier-billing payments. */
export class CarrierBillingSource extends CarrierBillingSourceSchema.class {}
CarrierBillingSourceSchema.setClass(CarrierBillingSource);

export { CarrierBillingSourceSchema };
