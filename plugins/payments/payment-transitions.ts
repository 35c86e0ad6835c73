import type { EntityManager } from '@mikro-orm/core';
import { type GatewayError, money } from '../../core/plugin-api.ts';
import type { FeePosting } from './fees/fee-posting.ts';
import type { LedgerService } from './ledger/ledger.service.ts';
import { InsufficientFundsError } from './ledger/ledger-errors.ts';
import { LedgerHold } from './ledger/ledger-hold.entity.ts';
import type { CallResult } from './method-call.ts';
import { LimitExceededError } from './payment-errors.ts';
import type { PaymentIntent } from './payment-intent.entity.ts';
import type { DeclineReason, MethodOutcome } from './payment-method.ts';
import type { PaymentOperation } from './payment-operation.entity.ts';
import { assertTransition } from './payment-state-machine.ts';
import type { PaymentStatus } from './payment-status.ts';

export interface TransitionOptions {
  /** How long a merchant's authorization holds (its settings, else the gateway's). */
  authorizationHoldHours: (merchantId: string) => number;
  retryBaseSeconds: number;
  retryMaxSeconds: number;
}

function declineReasonOf(error: GatewayError): DeclineReason {
  if (error instanceof LimitExceededError) return 'limit_exceeded';
  if (error instanceof InsufficientFundsError) return 'insufficient_funds';
  return 'invalid_source';
}

/** An answer from the other side about an operation it received. */
type Answer = Exclude<MethodOutcome, { status: 'pending' | 'unknown' | 'not_received' }>;

const truncate = (text: string, length: number) =>
  text.length > length ? `${text.slice(0, length - 1)}…` : text;

/**
 * What each outcome of each operation does to a payment and the ledger, inside the caller's
 * transaction with the payment row locked. The one place payment states and money move together.
 */
export class PaymentTransitions {
  readonly #ledger: LedgerService;
  readonly #fees: FeePosting;
  readonly #options: TransitionOptions;

  constructor(ledger: LedgerService, fees: FeePosting, options: TransitionOptions) {
    this.#ledger = ledger;
    this.#fees = fees;
    this.#options = options;
  }

  async apply(
    em: EntityManager,
    payment: PaymentIntent,
    op: PaymentOperation,
    result: CallResult,
  ): Promise<void> {
    if ('error' in result) return this.refused(em, payment, op, result.error);
    const { outcome } = result;
    if (outcome.status === 'pending' || outcome.status === 'unknown')
      return this.unresolved(payment, op, outcome);
    if (outcome.status === 'not_received') return this.notReceived(em, payment, op, outcome);
    switch (op.kind) {
      case 'authorize':
      case 'confirm':
        return this.authorization(em, payment, op, outcome);
      case 'capture':
        return this.capture(em, payment, op, outcome);
      case 'void':
        return this.void(em, payment, op, outcome);
      case 'refund':
        return this.refund(em, payment, op, outcome);
    }
  }

  /** An authorization past its hold, or an action nobody completed: releases what was held. */
  async expire(em: EntityManager, payment: PaymentIntent): Promise<void> {
    if (payment.hold) await this.#ledger.voidHold(em, payment.hold.id);
    payment.hold = null;
    this.move(payment, payment.status === 'partially_captured' ? 'captured' : 'expired', 'expire');
    payment.actionType = null;
    payment.actionHint = null;
    payment.actionExpiresAt = null;
  }

  /** Schedules the next question to the method about an operation still unresolved. */
  scheduleCheck(op: PaymentOperation): void {
    const { retryBaseSeconds, retryMaxSeconds } = this.#options;
    const wait = Math.min(retryMaxSeconds, retryBaseSeconds * 2 ** Math.min(op.checks, 30));
    op.nextCheckAt = new Date(Date.now() + wait * 1000);
  }

  private move(
    payment: PaymentIntent,
    to: PaymentStatus,
    action: Parameters<typeof assertTransition>[2],
  ): void {
    assertTransition(payment.status, to, action);
    payment.status = to;
  }

  private finish(op: PaymentOperation, status: 'succeeded' | 'failed', outcome?: MethodOutcome): void {
    op.status = status;
    op.resolvedAt = new Date();
    op.nextCheckAt = null;
    if (outcome && 'reference' in outcome && outcome.reference) op.reference = outcome.reference;
  }

  private unresolved(
    payment: PaymentIntent,
    op: PaymentOperation,
    outcome: Extract<MethodOutcome, { status: 'pending' | 'unknown' }>,
  ): void {
    op.status = outcome.status;
    if (outcome.reference) op.reference = outcome.reference;
    if (outcome.status === 'unknown') op.message = truncate(outcome.detail, 200);
    this.scheduleCheck(op);
    this.move(payment, outcome.status === 'pending' ? 'processing' : 'unknown', op.kind);
  }

  private async refused(
    em: EntityManager,
    payment: PaymentIntent,
    op: PaymentOperation,
    error: GatewayError,
  ) {
    op.message = truncate(error.message, 200);
    if (op.kind === 'authorize' || op.kind === 'confirm') {
      op.declineReason = declineReasonOf(error);
      payment.declineReason = op.declineReason;
      payment.declineMessage = op.message;
      this.move(payment, 'declined', op.kind);
    } else {
      await this.giveBack(em, payment, op);
    }
    this.finish(op, 'failed');
  }

  /**
   * The operation never reached the other side (the gateway stopped before sending it): not a
   * decline, so no decline reason. An authorization that never happened fails the payment; any
   * other operation leaves it as it was (a confirm: the action is still open).
   */
  private async notReceived(
    em: EntityManager,
    payment: PaymentIntent,
    op: PaymentOperation,
    outcome: Extract<MethodOutcome, { status: 'not_received' }>,
  ): Promise<void> {
    op.message = truncate(outcome.message, 200);
    if (op.kind === 'authorize') this.move(payment, 'failed', op.kind);
    else await this.giveBack(em, payment, op);
    this.finish(op, 'failed');
  }

  /** A capture, void or refund that did not happen: the payment is as it was before it. */
  private async giveBack(em: EntityManager, payment: PaymentIntent, op: PaymentOperation): Promise<void> {
    if (op.kind === 'refund' && op.hold) await this.#ledger.voidHold(em, op.hold.id);
    if (payment.status !== op.fromStatus) this.move(payment, op.fromStatus, op.kind);
  }

  private async authorization(
    em: EntityManager,
    payment: PaymentIntent,
    op: PaymentOperation,
    outcome: Answer,
  ): Promise<void> {
    switch (outcome.status) {
      case 'approved': {
        const amount = money(payment.amount, payment.currency);
        const holdId = await this.#ledger.hold(em, {
          debitAccountId: payment.fundingAccount.id,
          creditAccountId: payment.payeeAccount.id,
          amount,
          reference: `payment:${payment.id}`,
        });
        payment.hold = em.getReference(LedgerHold, holdId);
        payment.authorizedAmount = payment.amount;
        payment.methodReference = outcome.reference;
        payment.authorizationExpiresAt = new Date(
          Date.now() + this.#options.authorizationHoldHours(payment.merchant.id) * 3_600_000,
        );
        payment.actionType = null;
        payment.actionHint = null;
        payment.actionExpiresAt = null;
        this.move(payment, 'authorized', op.kind);
        return this.finish(op, 'succeeded', outcome);
      }
      case 'action_required':
        payment.methodReference = outcome.reference;
        payment.actionType = outcome.action.type;
        payment.actionHint = truncate(outcome.action.hint, 200);
        payment.actionExpiresAt = outcome.action.expiresAt;
        this.move(payment, 'requires_action', op.kind);
        return this.finish(op, 'succeeded', outcome);
      case 'declined':
        op.declineReason = outcome.reason;
        op.message = truncate(outcome.message, 200);
        payment.declineReason = outcome.reason;
        payment.declineMessage = op.message;
        if (outcome.reference) payment.methodReference ??= outcome.reference;
        this.move(payment, 'declined', op.kind);
        return this.finish(op, 'failed', outcome);
    }
  }

  private async capture(
    em: EntityManager,
    payment: PaymentIntent,
    op: PaymentOperation,
    outcome: Answer,
  ): Promise<void> {
    if (outcome.status !== 'approved') return this.failed(em, payment, op, outcome);
    const kind = payment.purpose === 'top_up' ? 'top_up' : 'payment';
    await this.#ledger.postHold(
      em,
      payment.hold!.id,
      money(op.amount, payment.currency),
      kind,
      payment.description,
    );
    payment.capturedAmount += op.amount;
    await this.#fees.charge(em, payment);
    const remaining = payment.authorizedAmount - payment.capturedAmount;
    if (remaining > 0n && !op.releasesRemainder) {
      const holdId = await this.#ledger.hold(em, {
        debitAccountId: payment.fundingAccount.id,
        creditAccountId: payment.payeeAccount.id,
        amount: money(remaining, payment.currency),
        reference: `payment:${payment.id}`,
      });
      payment.hold = em.getReference(LedgerHold, holdId);
      this.move(payment, 'partially_captured', 'capture');
    } else {
      payment.hold = null;
      this.move(payment, 'captured', 'capture');
    }
    this.finish(op, 'succeeded', outcome);
  }

  private async void(
    em: EntityManager,
    payment: PaymentIntent,
    op: PaymentOperation,
    outcome: Answer,
  ): Promise<void> {
    if (outcome.status !== 'approved') return this.failed(em, payment, op, outcome);
    if (payment.hold) await this.#ledger.voidHold(em, payment.hold.id);
    payment.hold = null;
    payment.actionType = null;
    payment.actionHint = null;
    payment.actionExpiresAt = null;
    this.move(payment, op.fromStatus === 'partially_captured' ? 'captured' : 'voided', 'void');
    this.finish(op, 'succeeded', outcome);
  }

  private async refund(
    em: EntityManager,
    payment: PaymentIntent,
    op: PaymentOperation,
    outcome: Answer,
  ): Promise<void> {
    if (outcome.status !== 'approved') return this.failed(em, payment, op, outcome);
    await this.#ledger.postHold(
      em,
      op.hold!.id,
      money(op.amount, payment.currency),
      'refund',
      payment.description,
    );
    payment.refundedAmount += op.amount;
    await this.#fees.giveBack(em, payment);
    this.move(
      payment,
      payment.refundedAmount === payment.capturedAmount ? 'refunded' : 'partially_refunded',
      'refund',
    );
    this.finish(op, 'succeeded', outcome);
  }

  private async failed(
    em: EntityManager,
    payment: PaymentIntent,
    op: PaymentOperation,
    outcome: Exclude<Answer, { status: 'approved' }>,
  ): Promise<void> {
    if (outcome.status === 'declined') {
      op.declineReason = outcome.reason;
      op.message = truncate(outcome.message, 200);
    } else {
      op.message = `the method asked for an action during ${op.kind}, which cannot take one`;
    }
    await this.giveBack(em, payment, op);
    this.finish(op, 'failed', outcome);
  }
}
