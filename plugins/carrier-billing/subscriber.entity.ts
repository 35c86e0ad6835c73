import { randomUUID } from 'node:crypto';
import { defineEntity, p } from '@mikro-orm/core';
import { CARRIERS } from './phone-number.ts';

const CarrierSubscriberSchema = defineEntity({
  name: 'CarrierSubscriber',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    /** Keyed HMAC of the phone number: finds the subscriber without the number in clear. */
    phoneIndex: p.string().length(64).unique(),
    carrier: p.enum(CARRIERS),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});

/**
 * A phone line: the unit the carrier's monthly cap applies to, whichever merchants and customers
 * it pays. It holds no number: the number is sealed under each owner's subject key on their
 * verifications and sources, so shredding a subject leaves only this keyed index.
 */
export class CarrierSubscriber extends CarrierSubscriberSchema.class {}
CarrierSubscriberSchema.setClass(CarrierSubscriber);

export { CarrierSubscriberSchema };
