import { defineEntity, p } from '@mikro-orm/core';
import { CarrierSubscriber } from './subscriber.entity.ts';

const CarrierMonthlyUsageSchema = defineEntity({
  name: 'CarrierMonthlyUsage',
  checks: [{ name: 'carrier_monthly_usage_used_check', expression: '"used" >= 0' }],
  properties: {
    subscriber: () => p.manyToOne(CarrierSubscriber).primary(),
    /** `2026-02`, in Asia/Seoul time. */
    month: p.string().length(7).primary(),
    /** KRW authorized in the month and not given back by a void or refund. */
    used: p.bigint(),
    updatedAt: p.datetime(),
  },
});

/**
 * How much of the monthly cap a phone line has used. Changed only by single conditional
 * statements (see sandbox-carrier.ts), so concurrent charges can never overshoot the cap.
 */
export class CarrierMonthlyUsage extends CarrierMonthlyUsageSchema.class {}
CarrierMonthlyUsageSchema.setClass(CarrierMonthlyUsage);

export { CarrierMonthlyUsageSchema };
