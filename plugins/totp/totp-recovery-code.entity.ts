import { randomUUID } from 'node:crypto';
import { defineEntity, p } from '@mikro-orm/core';
import { TotpFactor } from './totp-factor.entity.ts';

const TotpRecoveryCodeSchema = defineEntity({
  name: 'TotpRecoveryCode',
  uniques: [{ properties: ['factor', 'codeHash'] }],
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    factor: () => p.manyToOne(TotpFactor).deleteRule('cascade'),
    /** SHA-256 of the normalised code (see recovery-codes.ts for why a fast hash is enough). */
    codeHash: p.string().length(64),
    usedAt: p.datetime().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

/** A single-use code that stands in for a TOTP code when the authenticator is lost. */
export class TotpRecoveryCode extends TotpRecoveryCodeSchema.class {}
TotpRecoveryCodeSchema.setClass(TotpRecoveryCode);

export { TotpRecoveryCodeSchema };
