import { defineEntity, p } from '@mikro-orm/core';
import { ApiKey, Merchant, PrivacySubject } from '../../core/plugin-api.ts';

const TotpFactorSchema = defineEntity({
  name: 'TotpFactor',
  uniques: [{ properties: ['apiKey'] }, { properties: ['merchant', 'subject'] }],
  properties: {
    /** Chosen before the row is written: it is the associated data that binds the sealed secret to this row. */
    id: p.uuid().primary(),
    /** The owner when the caller is an API key (operator, merchant staff, partner): one factor per key. */
    apiKey: () => p.manyToOne(ApiKey).nullable().deleteRule('cascade'),
    /** With `subject`, the owner when the caller is an end user: shared by all of their sessions. */
    merchant: () => p.manyToOne(Merchant).nullable().deleteRule('cascade'),
    /** The end user, as its privacy subject (never the merchant's reference in clear). */
    subject: () => p.manyToOne(PrivacySubject).nullable(),
    /**
     * The base32 shared secret: an end user's sealed under its subject key (shredding the
     * subject destroys it), an API key's under the master key (runtime.secrets).
     */
    secretSealed: p.text(),
    /** The RFC 6238 time step of the last accepted code: that code and every earlier one are refused. */
    lastUsedStep: p.integer().nullable(),
    /** Failed attempts since the last success or lock. */
    failedAttempts: p.integer(),
    /** Locks since the last success: each lock lasts twice as long as the one before. */
    lockouts: p.integer(),
    lockedUntil: p.datetime().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    /** Null while enrollment is pending: the first valid code confirms it. */
    activatedAt: p.datetime().nullable(),
  },
});

/** A TOTP (RFC 6238) second factor. */
export class TotpFactor extends TotpFactorSchema.class {}
TotpFactorSchema.setClass(TotpFactor);

export { TotpFactorSchema };
