import { defineEntity, p } from '@mikro-orm/core';

const CarrierBillingKeySchema = defineEntity({
  name: 'CarrierBillingKey',
  properties: {
    id: p.string().length(32).primary(),
    /** The key, sealed with the gateway's master key. */
    sealedKey: p.text(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

/** A data key of this plugin, wrapped by the master key: shared by every gateway process. */
export class CarrierBillingKey extends CarrierBillingKeySchema.class {}
CarrierBillingKeySchema.setClass(CarrierBillingKey);

export { CarrierBillingKeySchema };
