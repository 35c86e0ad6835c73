import type { CaptureMethod } from '../payment-status.ts';
import type { SettingValues } from './merchant-settings.entity.ts';

/** One merchant's settings as processes exchange them: a NOTIFY payload, or a row read back. */
export interface SettingsState {
  readonly merchantId: string;
  readonly values: SettingValues;
  readonly version: bigint;
}

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
export class MerchantSettingsBoard {
  readonly #defaults: GatewayDefaults;
  readonly #merchants = new Map<string, { values: SettingValues; version: bigint }>();

  constructor(defaults: GatewayDefaults) {
    this.#defaults = defaults;
  }

  apply(state: SettingsState): void {
    const known = this.#merchants.get(state.merchantId);
    if (known && known.version >= state.version) return;
    this.#merchants.set(state.merchantId, { values: state.values, version: state.version });
  }

  /** The merchant's own values (null where none), or undefined when no operator set any. */
  own(merchantId: string): SettingValues | undefined {
    return this.#merchants.get(merchantId)?.values;
  }

  /** Minor units from which a payment in `currency` needs a step-up; undefined: never. */
  stepUpAtOrAbove(merchantId: string, currency: string): bigint | undefined {
    const own = this.#merchants.get(merchantId)?.values.stepUpAtOrAbove?.[currency];
    return own === undefined ? this.#defaults.stepUpAtOrAbove.get(currency) : BigInt(own);
  }

  defaultCaptureMethod(merchantId: string): CaptureMethod {
    return this.#merchants.get(merchantId)?.values.defaultCaptureMethod ?? 'automatic';
  }

  authorizationHoldHours(merchantId: string): number {
    return (
      this.#merchants.get(merchantId)?.values.authorizationHoldHours ?? this.#defaults.authorizationHoldHours
    );
  }

  /** Every currency with a threshold for the merchant, its own over the gateway's. */
  stepUpThresholds(merchantId: string): [currency: string, minor: bigint][] {
    const merged = new Map(this.#defaults.stepUpAtOrAbove);
    for (const [currency, minor] of Object.entries(
      this.#merchants.get(merchantId)?.values.stepUpAtOrAbove ?? {},
    ))
      merged.set(currency, BigInt(minor));
    return [...merged].sort(([a], [b]) => a.localeCompare(b));
  }
}
