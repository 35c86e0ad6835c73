import { type HookRunner, type RequestContext, StepUpRequiredError } from '../../core/plugin-api.ts';
import type { CombinedVerdict } from './before-authorize.ts';
import type { CreatePaymentCommand } from './create-payment-command.ts';
import { PaymentBlockedError } from './payment-errors.ts';
import type { PaymentReview } from './payment-review.ts';
import type { MerchantSettingsBoard } from './settings/merchant-settings-board.ts';

export type BeforeAuthorizeRunner = HookRunner<'payment.beforeAuthorize', CombinedVerdict>;

/** The step-up action a payment asks for, whether the threshold or a `challenge` asks. */
const STEP_UP_ACTION = 'payment.create';

/**
 * The one place every new payment passes after its input is checked and before any money moves:
 * every method, top-ups included, and a wallet payment before it is handed to
 * PayFromAccountBatcher. Nothing is written before it, so a refusal here leaves the
 * Idempotency-Key free, like any refusal that recorded nothing, and a retry asks again.
 *
 * First the step-up from the merchant's amount per currency (its settings, else the gateway's);
 * then the `payment.beforeAuthorize` handlers' combined verdict: `allow` goes on; `block` throws
 * PaymentBlockedError; `challenge` asks for the same step-up, and refuses a caller without any
 * factor; `review` answers the review to store, and the payment is taken as a manual capture, so
 * that the one-round-trip path (automatic captures only) does not take it.
 */
export class PaymentAuthorizationGate {
  /** Minor units by merchant and currency from which a payment needs the caller's step-up. */
  readonly #settings: Pick<MerchantSettingsBoard, 'stepUpAtOrAbove'>;
  readonly #hook: BeforeAuthorizeRunner;

  constructor(settings: Pick<MerchantSettingsBoard, 'stepUpAtOrAbove'>, hook: BeforeAuthorizeRunner) {
    this.#settings = settings;
    this.#hook = hook;
  }

  /**
   * Settles with the review to hold the payment for (undefined: go on as asked), or rejects
   * with why not. Undefined itself when there is nothing to wait for, so that the hot path
   * neither allocates nor yields here when no plugin handles the hook for this merchant (a
   * fraud plugin installed but off for it costs nothing).
   */
  beforeAuthorize(
    ctx: RequestContext,
    merchantId: string,
    paymentId: string,
    command: CreatePaymentCommand,
  ): Promise<PaymentReview | undefined> | undefined {
    const stepUpFrom = this.#settings.stepUpAtOrAbove(merchantId, command.amount.currency);
    const steppingUp =
      stepUpFrom !== undefined && command.amount.amount >= stepUpFrom
        ? // Resolves with nothing: no review to hold the payment for.
          (ctx.services.stepUp.require(ctx, STEP_UP_ACTION) as Promise<undefined>)
        : undefined;
    // No handler would run for this merchant (none installed, or each one's plugin off for it).
    if (!this.#hook.handledFor(merchantId)) return steppingUp;
    return this.#ask(ctx, merchantId, paymentId, command, steppingUp);
  }

  async #ask(
    ctx: RequestContext,
    merchantId: string,
    paymentId: string,
    command: CreatePaymentCommand,
    steppingUp: Promise<undefined> | undefined,
  ): Promise<PaymentReview | undefined> {
    // The caller's own proof first: handlers are not asked about a payment that would be refused anyway.
    if (steppingUp) await steppingUp;
    const { risk } = command;
    const verdict = await this.#hook.run({
      ctx,
      paymentId,
      merchantId,
      customerId: command.customerId,
      method: command.method,
      sourceId: command.sourceId,
      amount: command.amount,
      captureMethod: command.captureMethod,
      risk: {
        deviceId: risk?.deviceId ?? null,
        // A merchant's server may pass its customer's address; otherwise the caller's own.
        ip: risk?.ip ?? ctx.clientIp ?? null,
        recipient: risk?.recipient ?? null,
      },
    });
    switch (verdict.decision) {
      case 'allow':
        return undefined;
      case 'block':
        ctx.log.info({ score: verdict.score, by: verdict.by }, 'payment blocked before authorization');
        throw new PaymentBlockedError(verdict);
      case 'challenge':
        // The threshold's step-up, if it asked, already proved a fresh factor.
        if (!steppingUp) await this.#challenge(ctx);
        return undefined;
      case 'review':
        return {
          status: 'pending',
          score: verdict.score,
          reasons: verdict.reasons,
          captureOnApproval: command.captureMethod === 'automatic',
        };
      default: {
        const unhandled: never = verdict.decision;
        throw new Error(`unhandled payment.beforeAuthorize decision ${JSON.stringify(unhandled)}`);
      }
    }
  }

  /**
   * A fresh step-up, as the threshold asks for one, except that a caller with no factor at all
   * is refused (`enrolled: false`) where StepUpService would let it pass: a handler asked for
   * proof, and a caller who cannot give any must not turn the challenge into an allow. The
   * method's own code (an OTP, 3-D Secure) does not count: the method contract does not say
   * whether a method will ask for one, and it proves the payer's phone or card, not the caller.
   */
  async #challenge(ctx: RequestContext): Promise<void> {
    const { stepUp } = ctx.services;
    if (await stepUp.currentGrant(ctx)) return;
    // Throws STEP_UP_REQUIRED (`enrolled: true`) for a caller with a factor to prove.
    await stepUp.require(ctx, STEP_UP_ACTION);
    ctx.log.info({ action: STEP_UP_ACTION, enrolled: false }, 'step-up required by payment.beforeAuthorize');
    throw new StepUpRequiredError({ action: STEP_UP_ACTION, factors: stepUp.factors, enrolled: false });
  }
}
