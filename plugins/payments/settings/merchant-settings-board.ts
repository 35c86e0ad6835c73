import { type MerchantState, MerchantStateBoard } from '../../../core/plugin-api.ts';
import type { CaptureMethod } from '../payment-status.ts';
import type { SettingValues } from './merchant-settings.entity.ts';

/** One merchant's settings as processes exchange them: a NOTIFY payload, or a row read back. */
export type SettingsState = MerchantState<SettingValues>;

/** What applies where a merchant has no value of its own: the payments plugin's options. */
export interface GatewayDefaults {
  stepUpAtOrAbove: ReadonlyMap<string, bigint>;
  authorizationHoldHours: number;
}

/**
 * The in-process answer to "what are this merchant's settings?", asked on the payment path:
 * one map lookup, no I/O. States arrive in any order; each carries its version, so an older one
 * arriving late never overwrites a newer one.
 */
export class MerchantSettingsBoard extends MerchantStateBoard<SettingValues> {
  readonly #defaults: GatewayDefaults;

  constructor(defaults: GatewayDefaults) {
    super();
    this.#defaults = defaults;
  }

  /** Minor units from which a payment in `currency` needs a step-up; undefined: never. */
  stepUpAtOrAbove(merchantId: string, currency: string): bigint | undefined {
    const own = this.own(merchantId)?.stepUpAtOrAbove?.[currency];
    return own === undefined ? this.#defaults.stepUpAtOrAbove.get(currency) : BigInt(own);
  }

  defaultCaptureMethod(merchantId: string): CaptureMethod {
    return this.own(merchantId)?.defaultCaptureMethod ?? 'automatic';
  }

  authorizationHoldHours(merchantId: string): number {
    return this.own(merchantId)?.authorizationHoldHours ?? this.#defaults.authorizationHoldHours;
  }

  /** Every currency with a threshold for the merchant, its own over the gateway's. */
  stepUpThresholds(merchantId: string): [currency: string, minor: bigint][] {
    const merged = new Map(this.#defaults.stepUpAtOrAbove);
    for (const [currency, minor] of Object.entries(this.own(merchantId)?.stepUpAtOrAbove ?? {}))
      merged.set(currency, BigInt(minor));
    return [...merged].sort(([a], [b]) => a.localeCompare(b));
  }
}
