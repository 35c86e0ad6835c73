import { defineEntity, p } from '@mikro-orm/core';
import { CAPTURE_METHODS } from '../payment-status.ts';

/** A merchant's own values; null where the gateway's configuration applies. */
export interface SettingValues {
  /** Minor units (as text) per currency from which a payment needs a step-up; other currencies: the gateway's. */
  stepUpAtOrAbove: Record<string, string> | null;
  defaultCaptureMethod: (typeof CAPTURE_METHODS)[number] | null;
  authorizationHoldHours: number | null;
}

const MerchantSettingsSchema = defineEntity({
  name: 'MerchantSettings',
  properties: {
    /** No foreign key: like the audit, the row is keyed by the merchant it configures. */
    merchantId: p.uuid().primary(),
    stepUpAtOrAbove: p.json<Record<string, string>>().nullable(),
    defaultCaptureMethod: p.enum(CAPTURE_METHODS).nullable(),
    authorizationHoldHours: p.integer().nullable(),
    /** The audit change that wrote the row: every process keeps the newest it has seen. */
    version: p.bigint(),
  },
});

/**
 * A merchant's payment settings, as operators set them. Every process holds them in memory
 * (MerchantSettingsBoard) and applies a change as soon as it commits (settingsFeed, on
 * the kernel's change feed).
 */
export class MerchantSettings extends MerchantSettingsSchema.class {}
MerchantSettingsSchema.setClass(MerchantSettings);

export { MerchantSettingsSchema };
