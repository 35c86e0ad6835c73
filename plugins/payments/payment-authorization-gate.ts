import type { RequestContext } from '../../core/plugin-api.ts';
import type { CreatePaymentCommand } from './create-payment-command.ts';

/**
 * The one place every new payment passes after its input is checked and before any money moves:
 * every method, top-ups included, and a wallet payment before it is handed to
 * PayFromAccountBatcher. Nothing is written before it, so a refusal here leaves the
 * Idempotency-Key free, like any refusal that recorded nothing.
 *
 * Today: a step-up from a configured amount per currency. The `payment.beforeAuthorize` hook
 * goes here: allow; veto with a typed error (throw it); require a step-up (as below); or hold
 * for review, authorized but not captured until a person decides, which is a manual capture,
 * so that the one-round-trip path (automatic captures only) does not take the payment.
 */
export class PaymentAuthorizationGate {
  /** Minor units by currency from which a payment needs the caller's step-up. */
  readonly #stepUpAtOrAbove: ReadonlyMap<string, bigint>;

  constructor(stepUpAtOrAbove: ReadonlyMap<string, bigint>) {
    this.#stepUpAtOrAbove = stepUpAtOrAbove;
  }

  /**
   * Settles when the payment may go on, or rejects with why not. Undefined when there is nothing
   * to wait for, so that the hot path neither allocates nor yields here.
   */
  beforeAuthorize(ctx: RequestContext, command: CreatePaymentCommand): Promise<void> | undefined {
    const stepUpFrom = this.#stepUpAtOrAbove.get(command.amount.currency);
    if (stepUpFrom !== undefined && command.amount.amount >= stepUpFrom) {
      return ctx.services.stepUp.require(ctx, 'payment.create');
    }
    return undefined;
  }
}
