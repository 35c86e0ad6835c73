import { type MerchantState, MerchantStateBoard } from '../../../core/plugin-api.ts';
import type { WebhookDefaultValues } from './webhook-defaults.entity.ts';

/** One merchant's defaults as processes exchange them: a NOTIFY payload, or a row read back. */
export type DefaultsState = MerchantState<WebhookDefaultValues>;

/**
 * The in-process answer to "what are this merchant's webhook defaults?", asked when an endpoint
 * is created and on every delivery outcome: one map lookup, no I/O. An older state arriving after
 * a newer one (by version) is ignored.
 */
export class WebhookDefaultsBoard extends MerchantStateBoard<WebhookDefaultValues> {
  readonly #maxRetryForMs: number;

  /** `maxRetryForMs`: the plugin's `webhooks.retryForMs`, the window of merchants without their own. */
  constructor(maxRetryForMs: number) {
    super();
    this.#maxRetryForMs = maxRetryForMs;
  }

  /** Event types for a new endpoint that names none; null: the caller must name them. */
  eventTypes(merchantId: string): string[] | null {
    return this.own(merchantId)?.eventTypes ?? null;
  }

  /**
   * How long the merchant's deliveries are retried. Never above the configured maximum, even if
   * the configuration was lowered after an operator set a longer window.
   */
  retryForMs(merchantId: string): number {
    const own = this.own(merchantId)?.retryForSeconds;
    return own == null ? this.#maxRetryForMs : Math.min(own * 1000, this.#maxRetryForMs);
  }
}
