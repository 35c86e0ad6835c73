import { randomUUID } from 'node:crypto';
import { defineEntity, p } from '@mikro-orm/core';
import { Merchant, PrivacySubject } from '../../core/plugin-api.ts';
import { CARD_BEHAVIOURS, CARD_BRANDS } from './test-cards.ts';

const SandboxCardTokenSchema = defineEntity({
  name: 'SandboxCardToken',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    merchant: () => p.manyToOne(Merchant),
    /**
     * The end user who tokenized the card through a customer session, as its privacy subject
     * (never the merchant's reference in clear); null when the merchant's backend tokenized it.
     */
    subject: () => p.manyToOne(PrivacySubject).nullable(),
    brand: p.enum(CARD_BRANDS),
    last4: p.string().length(4),
    expMonth: p.smallint(),
    expYear: p.smallint(),
    /** What the test card number makes the sandbox network do; the number itself is never kept. */
    behaviour: p.enum(CARD_BEHAVIOURS),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

/** A tokenized sandbox card: what pays, without the number or the CVC. */
export class SandboxCardToken extends SandboxCardTokenSchema.class {}
SandboxCardTokenSchema.setClass(SandboxCardToken);

export { SandboxCardTokenSchema };
