import type { EntityManager } from '@mikro-orm/core';
import type { Logger, Money } from '../../core/plugin-api.ts';

/**
 * The contract between the payments engine and a way to pay (wallet, card acquirer, carrier
 * billing), in the spirit of Medusa's and Kill Bill's provider APIs. The engine owns intents,
 * states, idempotency and the ledger; a method only talks to its own world and reports what
 * happened. A method never retries on its own: an `unknown` outcome is settled later through
 * `status`, so a timeout can never become a second charge.
 */

export type DeclineReason =
  | 'insufficient_funds'
  | 'stolen_card'
  | 'lost_card'
  | 'expired_card'
  | 'incorrect_cvc'
  | 'limit_exceeded'
  | 'do_not_honor'
  | 'authentication_failed'
  | 'invalid_source';

/** What the customer must do before the payment can go on. */
export interface RequiredAction {
  /** `otp`: a code sent to the customer's phone; `three_ds`: an issuer challenge. */
  type: 'otp' | 'three_ds';
  /** Shown to the customer, e.g. "Enter the code sent to ***-****-5678". */
  hint: string;
  expiresAt: Date;
}

export type MethodOutcome =
  | { status: 'approved'; reference: string }
  | { status: 'declined'; reason: DeclineReason; message: string; reference?: string }
  /** Accepted, final answer later (asked through `status`). */
  | { status: 'pending'; reference: string }
  | { status: 'action_required'; reference: string; action: RequiredAction }
  /** The method could not tell (timeout, connection lost mid-call): settled by the janitor. */
  | { status: 'unknown'; reference?: string; detail: string }
  /**
   * From `status` only: the other side has no record of the operation, so it never arrived (the
   * gateway stopped before sending it). Nothing happened and nobody declined: the engine records
   * a failure of its own (an authorization's payment becomes `failed`), never an issuer's answer.
   */
  | { status: 'not_received'; message: string; reference?: string };

export type MethodOperation = 'authorize' | 'capture' | 'void' | 'refund';

/** Given to every call: who pays whom, and a transaction to write the method's own rows in. */
export interface MethodCall {
  /** The engine's id for the payment intent; stable across retries. */
  paymentId: string;
  merchantId: string;
  /**
   * The payer's privacy subject: compare it with what the method stored for a customer (a card
   * token, a phone) instead of the merchant's customer reference, which is sealed.
   */
  subjectId: string | null;
  /** The payments `Customer` id of who pays (always set by the engine; optional for older callers). */
  customerId?: string;
  /** Unique per (payment, operation, attempt): send it to the outside world as its idempotency key. */
  operationKey: string;
  /** The engine's transaction when the method is `internal`; otherwise a fresh EntityManager. */
  em: EntityManager;
  log: Logger;
}

export interface AuthorizeCall extends MethodCall {
  amount: Money;
  /** The method's own reference to what pays (a card token id, a verified phone, a wallet id). */
  sourceId: string;
}

export interface ReferenceCall extends MethodCall {
  /** The method's reference from authorize. */
  reference: string;
  amount: Money;
}

export interface PaymentMethod {
  /** Stable id used in the API and stored on payments: `wallet`, `sandbox-card`, `carrier-billing`. */
  readonly id: string;
  readonly displayName: string;
  /**
   * An internal method moves money only inside our own database (the wallet): the engine runs
   * it inside the payment's transaction, so the payment, the method's rows and the ledger
   * commit or roll back together. External methods are called outside any transaction.
   */
  readonly internal: boolean;
  /**
   * Internal methods whose `sourceId` is a ledger account owned by the paying customer (the
   * wallet): that account's kind. The engine checks the owner and moves the money on the
   * account itself, so an automatic-capture payment takes one database round trip (and then
   * `authorize`/`capture` are not called).
   */
  readonly fundingAccountKind?: string;
  /** Currencies it can charge in. */
  supports(currency: string): boolean;
  authorize(call: AuthorizeCall): Promise<MethodOutcome>;
  /** Completes a required action (the OTP or challenge answer the customer typed). */
  confirmAction?(call: ReferenceCall, response: string): Promise<MethodOutcome>;
  capture(call: ReferenceCall): Promise<MethodOutcome>;
  void(call: ReferenceCall): Promise<MethodOutcome>;
  refund(call: ReferenceCall): Promise<MethodOutcome>;
  /**
   * What became of an operation whose outcome was `unknown` or `pending`, or of a call the
   * gateway may never have sent (it stopped mid-way): `not_received` when the other side has no
   * record of it, `unknown` while it cannot tell.
   */
  status(call: ReferenceCall & { operation: MethodOperation }): Promise<MethodOutcome>;
}
