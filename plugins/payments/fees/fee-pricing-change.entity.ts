import { defineEntity, p } from '@mikro-orm/core';

/** A pricing as the audit keeps it: minor units as text, since JSON has no 64-bit integers. */
export interface PricingTerms {
  fixedMinor: string;
  basisPoints: number;
  minMinor: string | null;
  maxMinor: string | null;
  onRefund: string;
}

const FeePricingChangeSchema = defineEntity({
  name: 'FeePricingChange',
  indexes: [{ properties: ['merchantId', 'id'] }],
  properties: {
    id: p.bigint().primary().autoincrement(),
    /** Null for the gateway's default. No foreign key: the audit outlives what it describes. */
    merchantId: p.uuid().nullable(),
    currency: p.string().length(3),
    method: p.string().length(60),
    /** Null before the first pricing, and after one was removed. */
    before: p.json<PricingTerms>().nullable(),
    after: p.json<PricingTerms>().nullable(),
    reason: p.string().length(500),
    /** The operator's API key that made the change. */
    actorKeyId: p.uuid(),
    changedAt: p.datetime(),
  },
});

/** One operator decision about a pricing. Appended, never rewritten. */
export class FeePricingChange extends FeePricingChangeSchema.class {}
FeePricingChangeSchema.setClass(FeePricingChange);

export { FeePricingChangeSchema };
