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
    /** The phone number, sealed (AES-256-GCM) and bound to this row. */
    phoneSealed: p.text(),
    carrier: p.enum(CARRIERS),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});

/** A phone line: the unit the carrier's monthly cap applies to, whichever merchants it pays. */
export class CarrierSubscriber extends CarrierSubscriberSchema.class {}
CarrierSubscriberSchema.setClass(CarrierSubscriber);

export { CarrierSubscriberSchema };
