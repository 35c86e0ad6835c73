import type { WebhookDefaultValues } from './webhook-defaults.entity.ts';

/** One merchant's defaults as processes exchange them: a NOTIFY payload, or a row read back. */
export interface DefaultsState {
  readonly merchantId: string;
  readonly values: WebhookDefaultValues;
  readonly version: bigint;
}

/**
 * The in-process answer to "what are this merchant's webhook defaults?", asked when an endpoint
 * is created and on every delivery outcome: one map lookup, no I/O. An older state arriving after
 * a newer one (by version) is ignored.
 */
export class WebhookDefaultsBoard {
  readonly #maxRetryForMs: number;
  readonly #merchants = new Map<string, { values: WebhookDefaultValues; version: bigint }>();

  /** `maxRetryForMs`: the plugin's `webhooks.retryForMs`, the window of merchants without their own. */
  constructor(maxRetryForMs: number) {
    this.#maxRetryForMs = maxRetryForMs;
  }

  apply(state: DefaultsState): void {
    const known = this.#merchants.get(state.merchantId);
    if (known && known.version >= state.version) return;
    this.#merchants.set(state.merchantId, { values: state.values, version: state.version });
  }

  /** The merchant's own values (null where none), or undefined when no operator set any. */
  own(merchantId: string): WebhookDefaultValues | undefined {
    return this.#merchants.get(merchantId)?.values;
  }

  /** Event types for a new endpoint that names none; null: the caller must name them. */
  eventTypes(merchantId: string): string[] | null {
    return this.#merchants.get(merchantId)?.values.eventTypes ?? null;
  }

  /**
   * How long the merchant's deliveries are retried. Never above the configured maximum, even if
   * the configuration was lowered after an operator set a longer window.
   */
  retryForMs(merchantId: string): number {
    const own = this.#merchants.get(merchantId)?.values.retryForSeconds;
    return own == null ? this.#maxRetryForMs : Math.min(own * 1000, this.#maxRetryForMs);
  }
}
