import { defineEntity, p } from '@mikro-orm/core';
import { SandboxCardToken } from './card-token.entity.ts';
import { CARD_DECLINES } from './test-cards.ts';

export const AUTHORIZATION_STATUSES = ['requires_action', 'authorized', 'declined', 'voided'] as const;
export type AuthorizationStatus = (typeof AUTHORIZATION_STATUSES)[number];

export const NETWORK_DECLINES = [...CARD_DECLINES, 'authentication_failed'] as const;

const SandboxCardAuthorizationSchema = defineEntity({
  name: 'SandboxCardAuthorization',
  checks: [
    {
      name: 'sandbox_card_authorization_amounts_check',
      expression:
        '"captured" >= 0 and "captured" <= "amount" and "refunded" >= 0 and "refunded" <= "captured"',
    },
  ],
  properties: {
    /** The reference the gateway keeps; chosen by the gateway, like a merchant transaction id. */
    id: p.uuid().primary(),
    /** The gateway's idempotency key: a repeated request finds this row instead of charging again. */
    operationKey: p.string().length(255).unique(),
    token: () => p.manyToOne(SandboxCardToken),
    merchantId: p.uuid(),
    currency: p.string().length(3),
    amount: p.bigint(),
    status: p.enum(AUTHORIZATION_STATUSES),
    declineReason: p.enum(NETWORK_DECLINES).nullable(),
    captured: p.bigint().default(0),
    refunded: p.bigint().default(0),
    challengeExpiresAt: p.datetime().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});

/** The sandbox network's own record of an authorization: what `status()` answers from. */
export class SandboxCardAuthorization extends SandboxCardAuthorizationSchema.class {}
SandboxCardAuthorizationSchema.setClass(SandboxCardAuthorization);

export { SandboxCardAuthorizationSchema };
