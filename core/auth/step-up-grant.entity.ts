import { randomUUID } from 'node:crypto';
import { defineEntity, p } from '@mikro-orm/core';

/** The credentials a grant can be bound to: the caller's API key, or a customer's session. */
export const STEP_UP_CREDENTIAL_KINDS = ['api_key', 'customer_session'] as const;
export type StepUpCredentialKind = (typeof STEP_UP_CREDENTIAL_KINDS)[number];

const StepUpGrantSchema = defineEntity({
  name: 'StepUpGrant',
  indexes: [{ properties: ['credentialId', 'expiresAt'] }],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    credentialKind: p.enum(STEP_UP_CREDENTIAL_KINDS),
    /** The API key or customer session that proved a second factor; another credential gains nothing. */
    credentialId: p.uuid(),
    /** The factor that was verified (e.g. `totp`). */
    factor: p.string().length(50),
    createdAt: p.datetime().onCreate(() => new Date()),
    expiresAt: p.datetime(),
  },
});

/**
 * A recent second-factor verification. Stored, not kept in memory, so that a grant obtained
 * through one gateway process is honoured by every other.
 */
export class StepUpGrant extends StepUpGrantSchema.class {}
StepUpGrantSchema.setClass(StepUpGrant);

export { StepUpGrantSchema };
