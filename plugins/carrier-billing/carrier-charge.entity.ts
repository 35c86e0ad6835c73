import { defineEntity, p } from '@mikro-orm/core';
import { CarrierBillingSource } from './billing-source.entity.ts';
import { CarrierSubscriber } from './subscriber.entity.ts';

export const CHARGE_STATUSES = ['requires_action', 'authorized', 'declined', 'voided'] as const;
export const CHARGE_DECLINES = ['limit_exceeded', 'authentication_failed', 'do_not_honor'] as const;
export type ChargeDecline = (typeof CHARGE_DECLINES)[number];

const CarrierChargeSchema = defineEntity({
  name: 'CarrierCharge',
  checks: [
    {
      name: 'carrier_charge_amounts_check',
      expression:
        '"captured" >= 0 and "captured" <= "amount" and "refunded" >= 0 and "refunded" <= "captured"',
    },
  ],
  properties: {
    /** The reference the gateway keeps; chosen by the gateway before it calls the carrier. */
    id: p.uuid().primary(),
    /** The gateway's idempotency key: a repeated request finds this row instead of charging again. */
    operationKey: p.string().length(255).unique(),
    source: () => p.manyToOne(CarrierBillingSource),
    subscriber: () => p.manyToOne(CarrierSubscriber),
    merchantId: p.uuid(),
    currency: p.string().length(3),
    amount: p.bigint(),
    status: p.enum(CHARGE_STATUSES),
    declineReason: p.enum(CHARGE_DECLINES).nullable(),
    /** The Seoul billing month whose cap this charge counts against, once authorized. */
    month: p.string().length(7).nullable(),
    /** Keyed hash of the one-time code that confirms this charge. */
    codeHash: p.string().length(64).nullable(),
    codeExpiresAt: p.datetime().nullable(),
    captured: p.bigint().default(0),
    refunded: p.bigint().default(0),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});

/** The simulated carrier's record of a charge to a phone bill: what `status()` answers from. */
export class CarrierCharge extends CarrierChargeSchema.class {}
CarrierChargeSchema.setClass(CarrierCharge);

export { CarrierChargeSchema };
