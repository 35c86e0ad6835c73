import {
  type Money,
  money,
  NotFoundError,
  type RequestContext,
  ValidationError,
} from '../../core/plugin-api.ts';
import type { FollowUpKind, FollowUpStarter, PlanFollowUp } from './follow-up-starter.ts';
import type { IdempotencyService } from './idempotency.service.ts';
import type { LedgerService } from './ledger/ledger.service.ts';
import type { OperationSettler } from './operation-settler.ts';
import { InvalidTransitionError } from './payment-errors.ts';
import type { PaymentIntent } from './payment-intent.entity.ts';
import type { PaymentOperationRunner } from './payment-operation-runner.ts';
import { heldForReview } from './payment-review.ts';
import { awaitsAutomaticCapture } from './payment-state-machine.ts';

export interface FollowUpDeps {
  idempotency: IdempotencyService;
  ledger: LedgerService;
  starter: FollowUpStarter;
  runner: PaymentOperationRunner;
  settler: OperationSettler;
}

function amountWithin(amount: Money | null, currency: string, max: bigint, what: string): bigint {
  if (!amount) {
    if (max <= 0n) throw new ValidationError('amount', `nothing is ${what}`);
    return max;
  }
  if (amount.currency !== currency) throw new ValidationError('amount', `the payment is in ${currency}`);
  if (amount.amount <= 0n) throw new ValidationError('amount', 'amount must be positive');
  if (amount.amount > max) throw new ValidationError('amount', `at most ${max} (minor units) is ${what}`);
  return amount.amount;
}

/** The engine acting on its own (an automatic capture after an asynchronous approval). */
function systemView(ctx: RequestContext): RequestContext {
  return { ...ctx, principal: { kind: 'operator', keyId: 'payments-engine' }, headers: new Headers() };
}

/** The engine acts on its own only on a payment still waiting for its automatic capture. */
function assertAwaitsCapture(payment: PaymentIntent, kind: 'capture' | 'void'): void {
  if (!awaitsAutomaticCapture(payment)) {
    throw new InvalidTransitionError(
      payment.status,
      kind,
      'The payment no longer awaits its automatic capture',
    );
  }
}

/**
 * The operations on an existing payment: what each kind checks, and reserves, while the payment
 * is locked. Whoever may act, the key and the earlier unknown outcome are handled alike for all.
 */
export class FollowUpOperations {
  readonly #deps: FollowUpDeps;

  constructor(deps: FollowUpDeps) {
    this.#deps = deps;
  }

  confirm(ctx: RequestContext, paymentId: string, response: string, key?: string | null) {
    if (response.length === 0 || response.length > 200) {
      throw new ValidationError('response', 'response must be 1 to 200 characters');
    }
    return this.#operate(ctx, paymentId, 'confirm', { response }, key, (payment, method) => {
      if (!method.confirmAction) {
        throw new InvalidTransitionError(payment.status, 'confirm', `${method.id} takes no confirmation`);
      }
      return { amount: payment.amount, response };
    });
  }

  capture(
    ctx: RequestContext,
    paymentId: string,
    amount: Money | null,
    releaseRemainder: boolean,
    key?: string | null,
  ) {
    return this.#operate(ctx, paymentId, 'capture', { amount, releaseRemainder }, key, (payment) => {
      if (heldForReview(payment)) {
        throw new InvalidTransitionError(
          payment.status,
          'capture',
          'The payment is held for review: it can be captured once approved (decidePaymentReview)',
        );
      }
      if (payment.authorizationExpiresAt && payment.authorizationExpiresAt.getTime() <= Date.now()) {
        throw new InvalidTransitionError('expired', 'capture', 'The authorization has expired');
      }
      const capturable = payment.authorizedAmount - payment.capturedAmount;
      const take = amountWithin(amount, payment.currency, capturable, 'capturable');
      return { amount: take, releasesRemainder: releaseRemainder || take === capturable };
    });
  }

  void(ctx: RequestContext, paymentId: string, key?: string | null) {
    return this.#operate(ctx, paymentId, 'void', {}, key, (payment) => ({
      amount: payment.authorizedAmount - payment.capturedAmount,
    }));
  }

  refund(ctx: RequestContext, paymentId: string, amount: Money | null, key?: string | null) {
    return this.#operate(ctx, paymentId, 'refund', { amount }, key, async (payment, _method, tx) => {
      const refundable = payment.capturedAmount - payment.refundedAmount;
      const take = amountWithin(amount, payment.currency, refundable, 'refundable');
      // Reserved before the method is asked: a refund the payee can no longer cover is refused
      // before any money leaves.
      const holdId = await this.#deps.ledger.hold(tx, {
        debitAccountId: payment.payeeAccount.id,
        creditAccountId: payment.fundingAccount.id,
        amount: money(take, payment.currency),
        reference: `payment:${payment.id}`,
      });
      return { amount: take, hold: holdId };
    });
  }

  /** The capture of everything an external method approved for an automatic-capture payment. */
  captureApproved(ctx: RequestContext, paymentId: string): Promise<PaymentIntent> {
    return this.#operate(systemView(ctx), paymentId, 'capture', {}, null, (payment) => {
      assertAwaitsCapture(payment, 'capture');
      return { amount: payment.authorizedAmount, releasesRemainder: true };
    });
  }

  /** The release (a void) of an automatic-capture payment whose capture cannot happen. */
  releaseUncaptured(ctx: RequestContext, paymentId: string): Promise<PaymentIntent> {
    return this.#operate(systemView(ctx), paymentId, 'void', {}, null, (payment) => {
      assertAwaitsCapture(payment, 'void');
      return { amount: payment.authorizedAmount };
    });
  }

  async #operate(
    ctx: RequestContext,
    paymentId: string,
    kind: FollowUpKind,
    args: Record<string, unknown>,
    key: string | null | undefined,
    plan: PlanFollowUp,
  ): Promise<PaymentIntent> {
    if (
      ctx.principal.kind !== 'merchant' &&
      ctx.principal.kind !== 'operator' &&
      !(kind === 'confirm' && ctx.principal.kind === 'customer')
    ) {
      throw new NotFoundError('Payment', paymentId);
    }
    const { idempotency, settler, runner, starter } = this.#deps;
    const idem = idempotency.request(ctx, `${kind}Payment`, { paymentId, ...args }, key);
    await settler.settleEarlier(ctx, paymentId);
    return runner.run(ctx, idem, (tx) => starter.start(tx, ctx, paymentId, kind, plan));
  }
}
