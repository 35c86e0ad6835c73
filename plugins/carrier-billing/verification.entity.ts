import { randomUUID } from 'node:crypto';
import { defineEntity, p } from '@mikro-orm/core';
import { Merchant, PrivacySubject } from '../../core/plugin-api.ts';
import { CarrierSubscriber } from './subscriber.entity.ts';

const CarrierVerificationSchema = defineEntity({
  name: 'CarrierVerification',
  indexes: [{ properties: ['subscriber', 'createdAt'] }],
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
     * The phone number, sealed under the subject's key and bound to `CarrierVerification.phone:<id>`;
     * null once erased, or for a row written before numbers moved to subject keys without an owner.
     */
    phoneSealed: p.text().nullable(),
    /** Keyed hash of the one-time code sent to the phone; the code itself is not kept. */
    codeHash: p.string().length(64),
    attempts: p.integer().default(0),
    expiresAt: p.datetime(),
    verifiedAt: p.datetime().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

/** Proof, in progress, that the caller holds the phone: a code was sent to it. */
export class CarrierVerification extends CarrierVerificationSchema.class {}
CarrierVerificationSchema.setClass(CarrierVerification);

export { CarrierVerificationSchema };
