import { defineEntity, p } from '@mikro-orm/core';

/** What a merchant sells, as far as fraud is concerned: gift cards are as good as cash. */
export const MERCHANT_CATEGORIES = [
  'gift_card',
  'prepaid',
  'game',
  'digital_content',
  'physical_goods',
  'services',
  'other',
] as const;
export type MerchantCategory = (typeof MERCHANT_CATEGORIES)[number];

const FraudMerchantProfileSchema = defineEntity({
  name: 'FraudMerchantProfile',
  tableName: 'fraud_merchant_profile',
  properties: {
    merchantId: p.uuid().primary(),
    category: p.text(),
    updatedAt: p.datetime(),
  },
});

export class FraudMerchantProfile extends FraudMerchantProfileSchema.class {}
FraudMerchantProfileSchema.setClass(FraudMerchantProfile);

export { FraudMerchantProfileSchema };
