import { randomUUID } from 'node:crypto';
import { defineEntity, p } from '@mikro-orm/core';
import { CarrierSubscriber } from './subscriber.entity.ts';

export const MESSAGE_PURPOSES = ['verification', 'payment'] as const;
export type MessagePurpose = (typeof MESSAGE_PURPOSES)[number];

const CarrierSandboxMessageSchema = defineEntity({
  name: 'CarrierSandboxMessage',
  indexes: [{ properties: ['subscriber', 'createdAt'] }],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    subscriber: () => p.manyToOne(CarrierSubscriber),
    purpose: p.enum(MESSAGE_PURPOSES),
    /** The verification or charge the code confirms. */
    reference: p.uuid(),
    /** The text message with its code, sealed: the simulated phone's inbox. */
    sealedBody: p.text(),
    createdAt: p.datetime().onCreate(() => new Date()),
    expiresAt: p.datetime(),
  },
});

/** A text message the simulated carrier "sent"; operators read them in sandbox mode only. */
export class CarrierSandboxMessage extends CarrierSandboxMessageSchema.class {}
CarrierSandboxMessageSchema.setClass(CarrierSandboxMessage);

export { CarrierSandboxMessageSchema };
