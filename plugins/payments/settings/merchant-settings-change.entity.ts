import { defineEntity, p } from '@mikro-orm/core';
import type { SettingValues } from './merchant-settings.entity.ts';

const MerchantSettingsChangeSchema = defineEntity({
  name: 'MerchantSettingsChange',
  indexes: [{ properties: ['merchantId', 'id'] }],
  properties: {
    /** Changes to one merchant are serialized (its row is locked): a later one has a larger id. */
    id: p.bigint().primary().autoincrement(),
    merchantId: p.uuid(),
    before: p.json<SettingValues>(),
    after: p.json<SettingValues>(),
    reason: p.string().length(500),
    /** The operator's API key that made the change. */
    actorKeyId: p.uuid(),
    changedAt: p.datetime(),
  },
});

/** One operator decision about a merchant's settings. Appended, never rewritten. */
export class MerchantSettingsChange extends MerchantSettingsChangeSchema.class {}
MerchantSettingsChangeSchema.setClass(MerchantSettingsChange);

export { MerchantSettingsChangeSchema };
