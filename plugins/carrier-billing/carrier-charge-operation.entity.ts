import { defineEntity, p } from '@mikro-orm/core';
import { CarrierCharge, CHARGE_DECLINES } from './carrier-charge.entity.ts';

export const CHARGE_OPERATIONS = ['confirm', 'capture', 'void', 'refund'] as const;
export type ChargeOperationKind = (typeof CHARGE_OPERATIONS)[number];

const CarrierChargeOperationSchema = defineEntity({
  name: 'CarrierChargeOperation',
  properties: {
    operationKey: p.string().length(255).primary(),
    charge: () => p.manyToOne(CarrierCharge),
    kind: p.enum(CHARGE_OPERATIONS),
    amount: p.bigint(),
    approved: p.boolean(),
    declineReason: p.enum(CHARGE_DECLINES).nullable(),
    message: p.string().length(200).nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

/** One follow-up request on a charge, kept so that a repeated request gets the same answer. */
export class CarrierChargeOperation extends CarrierChargeOperationSchema.class {}
CarrierChargeOperationSchema.setClass(CarrierChargeOperation);

export { CarrierChargeOperationSchema };
