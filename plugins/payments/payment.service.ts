import { randomUUID } from 'node:crypto';
import type { MerchantContext, Money, OperatorContext, RequestContext } from '../../core/plugin-api.ts';
import { type AutomaticCaptureReport, AutomaticCaptures } from './automatic-captures.ts';
import {
  type CreatePaymentCommand,
  type CreatePaymentRequest,
  type Payee,
  validateCreatePayment,
} from './create-payment-command.ts';
import { ExternalOutcomeRecorder } from './external-outcome-recorder.ts';
import { refuseUnrecordableFee } from './fees/fee-ceiling.ts';
import { FollowUpOperations } from './follow-up-operations.ts';
import { FollowUpStarter } from './follow-up-starter.ts';
import type { IdempotencyService } from './idempotency.service.ts';
import type { LedgerService } from './ledger/ledger.service.ts';
import type { PaymentMethodRegistry } from './method-registry.ts';
import { NewPaymentStarter } from './new-payment-starter.ts';
import { OperationSettler } from './operation-settler.ts';
import type { PayFromAccountBatcher } from './pay-from-account-batcher.ts';
import { PayFromAccountPath } from './pay-from-account-path.ts';
import type { PaymentAccounts } from './payment-accounts.ts';
import { type BeforeAuthorizeRunner, PaymentAuthorizationGate } from './payment-authorization-gate.ts';
import { expirePayment } from './payment-expirer.ts';
import type { PaymentIntent } from './payment-intent.entity.ts';
import type { PaymentOperation } from './payment-operation.entity.ts';
import { PaymentOperationRunner } from './payment-operation-runner.ts';
import { readOperations, readPayment } from './payment-reader.ts';
import { PaymentReviewDecider } from './payment-review-decider.ts';
import type { PaymentTransitions } from './payment-transitions.ts';
import type { PaymentView } from './payment-view.ts';
import type { MerchantSettingsBoard } from './settings/merchant-settings-board.ts';

export interface PaymentServiceDeps {
  methods: PaymentMethodRegistry;
  ledger: LedgerService;
  accounts: PaymentAccounts;
  idempotency: IdempotencyService;
  transitions: PaymentTransitions;
  methodTimeoutMs: number;
  payFromAccount: PayFromAccountBatcher;
  /** Merchants' settings: step-up thresholds, default capture method. */
  settings: MerchantSettingsBoard;
  /** The `payment.beforeAuthorize` hook, asked about every new payment. */
  beforeAuthorize: BeforeAuthorizeRunner;
}

/**
 * Payment intents, as the API and other plugins use them: create, confirm, capture, void,
 * refund, read, and the janitor's way in. A new payment passes PaymentAuthorizationGate first;
 * every operation then runs one protocol (PaymentOperationRunner), unless a payment from the
 * customer's own account takes the one-round-trip path (PayFromAccountPath). This class only
 * wires the parts together.
 */
export class PaymentService {
  readonly #deps: PaymentServiceDeps;
  readonly #gate: PaymentAuthorizationGate;
  readonly #fromAccount: PayFromAccountPath;
  readonly #newPayments: NewPaymentStarter;
  readonly #runner: PaymentOperationRunner;
  readonly #settler: OperationSettler;
  readonly #followUps: FollowUpOperations;
  readonly #reviews: PaymentReviewDecider;
  readonly #automaticCaptures: AutomaticCaptures;

  constructor(deps: PaymentServiceDeps) {
    const { methods, ledger, idempotency, transitions, methodTimeoutMs } = deps;
    this.#deps = deps;
    this.#gate = new PaymentAuthorizationGate(deps.settings, deps.beforeAuthorize);
    this.#fromAccount = new PayFromAccountPath(deps.payFromAccount);
    this.#newPayments = new NewPaymentStarter(deps.accounts, methodTimeoutMs);
    // An approval learned after the call (a late answer, the janitor) starts its capture as a follow-up.
    const recorder = new ExternalOutcomeRecorder(idempotency, transitions, (ctx, paymentId) =>
      this.#followUps.captureApproved(ctx, paymentId),
    );
    this.#runner = new PaymentOperationRunner(idempotency, transitions, methodTimeoutMs, recorder);
    this.#settler = new OperationSettler(methods, methodTimeoutMs, recorder);
    const starter = new FollowUpStarter(methods, methodTimeoutMs);
    this.#followUps = new FollowUpOperations({
      idempotency,
      ledger,
      starter,
      runner: this.#runner,
      settler: this.#settler,
    });
    this.#reviews = new PaymentReviewDecider(this.#followUps);
    this.#automaticCaptures = new AutomaticCaptures(this.#followUps);
  }

  get methods(): PaymentMethodRegistry {
    return this.#deps.methods;
  }

  async createPayment(
    ctx: MerchantContext,
    request: CreatePaymentRequest,
    idempotencyKey?: string | null,
    payee?: Payee,
  ): Promise<PaymentView> {
    const { merchantId } = ctx.principal;
    const command: CreatePaymentCommand = {
      ...request,
      captureMethod: request.captureMethod ?? this.#deps.settings.defaultCaptureMethod(merchantId),
    };
    const method = validateCreatePayment(this.#deps.methods, command);
    if (!payee) await refuseUnrecordableFee(ctx.em, merchantId, command);
    // Before anything is written or any money moves, whichever path the payment takes next.
    // Chosen now, so that a `payment.beforeAuthorize` handler can store its answer under it.
    const paymentId = randomUUID();
    const authorizing = this.#gate.beforeAuthorize(ctx, merchantId, paymentId, command);
    const review = authorizing ? await authorizing : undefined;
    // The key is bound to the request as asked: a retry whose verdict differs is the same request.
    const idem = this.#deps.idempotency.request(
      ctx,
      payee ? 'topUp' : 'createPayment',
      { ...request, payee: payee?.accountId },
      idempotencyKey,
    );
    // Held for review: authorized only, so the one-round-trip path (automatic captures) passes it on.
    const taken: CreatePaymentCommand = review ? { ...command, captureMethod: 'manual' } : command;
    const paid = await this.#fromAccount.pay(ctx, merchantId, paymentId, method, taken, idem, payee);
    if (paid) return paid;
    return this.#runner.run(ctx, idem, (tx) =>
      this.#newPayments.start(tx, merchantId, paymentId, method, taken, payee, review),
    );
  }

  confirmPayment(ctx: RequestContext, paymentId: string, response: string, key?: string | null) {
    return this.#followUps.confirm(ctx, paymentId, response, key);
  }

  capturePayment(
    ctx: RequestContext,
    paymentId: string,
    amount: Money | null,
    releaseRemainder: boolean,
    key?: string | null,
  ) {
    return this.#followUps.capture(ctx, paymentId, amount, releaseRemainder, key);
  }

  voidPayment(ctx: RequestContext, paymentId: string, key?: string | null) {
    return this.#followUps.void(ctx, paymentId, key);
  }

  refundPayment(ctx: RequestContext, paymentId: string, amount: Money | null, key?: string | null) {
    return this.#followUps.refund(ctx, paymentId, amount, key);
  }

  /** A person's decision on a payment a `payment.beforeAuthorize` handler held for review. */
  decideReview(ctx: OperatorContext | MerchantContext, paymentId: string, approve: boolean, reason: string) {
    return this.#reviews.decide(ctx, paymentId, approve, reason);
  }

  getPayment(ctx: RequestContext, id: string): Promise<PaymentIntent> {
    return readPayment(ctx, id);
  }

  operations(ctx: RequestContext, payment: { id: string }): Promise<PaymentOperation[]> {
    return readOperations(ctx, payment);
  }

  /** Asks the method what became of an operation whose outcome is not known (the janitor's). */
  resolveOperation(ctx: RequestContext, operationId: string): Promise<void> {
    return this.#settler.settle(ctx, operationId);
  }

  /** Captures (or, if the method refuses, voids) automatic-capture payments whose capture never started. */
  finishAutomaticCaptures(ctx: RequestContext): Promise<AutomaticCaptureReport> {
    return this.#automaticCaptures.finishStranded(ctx);
  }

  /** Releases an authorization past its hold (or an action never completed). */
  expire(ctx: RequestContext, paymentId: string): Promise<boolean> {
    return expirePayment(ctx, this.#deps.transitions, paymentId);
  }
}
