import { randomUUID } from 'node:crypto';
import { type EntityManager, LockMode } from '@mikro-orm/core';
import type { RequestContext } from '../../core/context.ts';
import { type Money, money } from '../../core/money/money.ts';
import { isUuid } from '../../core/uuid.ts';
import { GatewayError, NotFoundError, ValidationError } from '../../schema/errors.ts';
import { type CreatePaymentCommand, type Payee, validateCreatePayment } from './create-payment-command.ts';
import { Customer } from './customer.entity.ts';
import type { IdempotencyService, IdempotentRequest } from './idempotency.service.ts';
import type { StoredResult } from './idempotency-record.entity.ts';
import type { LedgerService } from './ledger/ledger.service.ts';
import { LedgerAccount } from './ledger/ledger-account.entity.ts';
import { LedgerHold } from './ledger/ledger-hold.entity.ts';
import { type CallResult, callExternal } from './method-call.ts';
import type { PaymentMethodRegistry } from './method-registry.ts';
import type { PayFromAccountBatcher } from './pay-from-account-batcher.ts';
import { PayFromAccountPath } from './pay-from-account-path.ts';
import type { PaymentAccounts } from './payment-accounts.ts';
import { InvalidTransitionError } from './payment-errors.ts';
import { PaymentIntent } from './payment-intent.entity.ts';
import type { MethodCall, MethodOutcome, PaymentMethod } from './payment-method.ts';
import { PaymentOperation } from './payment-operation.entity.ts';
import { readOperations, readPayment, replayStored } from './payment-reader.ts';
import { assertCanStart } from './payment-state-machine.ts';
import { type OperationKind, UNRESOLVED_OPERATION_STATUSES } from './payment-status.ts';
import type { PaymentTransitions } from './payment-transitions.ts';
import type { PaymentView } from './payment-view.ts';
import { errorResult, paymentResult } from './stored-result.ts';
import { merchantFilter } from './visibility.ts';

export interface PaymentServiceDeps {
  methods: PaymentMethodRegistry;
  ledger: LedgerService;
  accounts: PaymentAccounts;
  idempotency: IdempotencyService;
  transitions: PaymentTransitions;
  methodTimeoutMs: number;
  payFromAccount: PayFromAccountBatcher;
  /** Minor units by currency from which a payment needs the caller's step-up. */
  stepUpAtOrAbove: ReadonlyMap<string, bigint>;
}

type Phase<T> = { done: PaymentIntent } | { replay: StoredResult } | T;

/**
 * Payment intents: create, confirm, capture, void, refund. An internal method (the wallet)
 * runs inside one transaction with the payment; an external one is called between two: the
 * first records the attempt, the second its outcome, so a crash in between leaves a record
 * the janitor settles through the method's `status` instead of a second charge.
 */
export class PaymentService {
  readonly #deps: PaymentServiceDeps;
  readonly #fromAccount: PayFromAccountPath;

  constructor(deps: PaymentServiceDeps) {
    this.#deps = deps;
    this.#fromAccount = new PayFromAccountPath(deps.payFromAccount);
  }

  get methods(): PaymentMethodRegistry {
    return this.#deps.methods;
  }

  // ---- create -------------------------------------------------------------------------------

  async createPayment(
    ctx: RequestContext,
    command: CreatePaymentCommand,
    idempotencyKey?: string | null,
    payee?: Payee,
  ): Promise<PaymentView> {
    if (ctx.principal.kind !== 'merchant') {
      throw new ValidationError('principal', 'payments are created with a merchant API key');
    }
    const merchantId = ctx.principal.merchantId;
    const method = validateCreatePayment(this.#deps.methods, command);
    const stepUpFrom = this.#deps.stepUpAtOrAbove.get(command.amount.currency);
    if (stepUpFrom !== undefined && command.amount.amount >= stepUpFrom) {
      await ctx.services.stepUp.require(ctx, 'payment.create');
    }
    const idem = this.#deps.idempotency.request(
      ctx,
      payee ? 'topUp' : 'createPayment',
      { ...command, payee: payee?.accountId },
      idempotencyKey,
    );
    const paid = await this.#fromAccount.pay(ctx, merchantId, method, command, idem, payee);
    if (paid) return paid;
    const started = await this.transaction<Phase<{ payment: PaymentIntent; op: PaymentOperation }>>(
      ctx,
      async (tx) => {
        if (idem) {
          const claim = await this.#deps.idempotency.claim(tx, idem);
          if (claim.kind === 'replay') return { replay: claim.result };
        }
        const customer = await tx.findOne(Customer, { id: command.customerId, merchant: merchantId });
        if (!customer) throw new NotFoundError('Customer', command.customerId);
        const fundingAccountId = await this.fundingAccount(tx, method, command, customer);
        const payeeAccountId =
          payee?.accountId ??
          (await this.#deps.accounts.merchantPayable(tx, merchantId, command.amount.currency));
        const payment = tx.create(PaymentIntent, {
          merchant: merchantId,
          customer,
          method: method.id,
          sourceId: command.sourceId,
          purpose: payee?.purpose ?? 'payment',
          fundingAccount: tx.getReference(LedgerAccount, fundingAccountId),
          payeeAccount: tx.getReference(LedgerAccount, payeeAccountId),
          currency: command.amount.currency,
          amount: command.amount.amount,
          authorizedAmount: 0n,
          capturedAmount: 0n,
          refundedAmount: 0n,
          captureMethod: command.captureMethod,
          status: 'created',
          declineReason: null,
          declineMessage: null,
          actionType: null,
          actionHint: null,
          actionExpiresAt: null,
          methodReference: null,
          hold: null,
          authorizationExpiresAt: null,
          description: command.description ?? null,
          metadata: [...(command.metadata ?? [])],
        });
        const op = this.startOperation(tx, payment, 'authorize', payment.amount);
        if (!method.internal) {
          if (idem) await this.#deps.idempotency.remember(tx, idem, paymentResult(payment.id));
          return { payment, op };
        }
        await tx.flush();
        await this.#deps.transitions.apply(tx, payment, op, {
          outcome: await method.authorize({
            ...this.call(tx, ctx, payment, op, customer),
            amount: command.amount,
            sourceId: command.sourceId,
          }),
        });
        if (payment.status === 'authorized' && payment.captureMethod === 'automatic') {
          await this.captureInside(tx, ctx, payment, method, payment.amount, true);
        }
        if (idem) await this.#deps.idempotency.complete(tx, idem, paymentResult(payment.id));
        return { done: payment };
      },
    );
    if ('replay' in started) return replayStored(ctx, started.replay);
    if ('done' in started) return started.done;
    const customer = started.payment.customer;
    const result = await callExternal(
      () =>
        method.authorize({
          ...this.call(ctx.em.fork(), ctx, started.payment, started.op, customer),
          amount: command.amount,
          sourceId: command.sourceId,
        }),
      this.#deps.methodTimeoutMs,
      ctx.log,
    );
    return this.finishExternal(ctx, started.payment.id, started.op.id, result, idem);
  }

  // ---- operations on an existing payment -----------------------------------------------------

  confirmPayment(ctx: RequestContext, paymentId: string, response: string, key?: string | null) {
    if (response.length === 0 || response.length > 200) {
      throw new ValidationError('response', 'response must be 1 to 200 characters');
    }
    return this.operate(ctx, paymentId, 'confirm', { response }, key, (payment) => {
      const method = this.method(payment);
      if (!method.confirmAction) {
        throw new InvalidTransitionError(payment.status, 'confirm', `${method.id} takes no confirmation`);
      }
      return { amount: payment.amount };
    });
  }

  capturePayment(
    ctx: RequestContext,
    paymentId: string,
    amount: Money | null,
    releaseRemainder: boolean,
    key?: string | null,
  ) {
    return this.operate(ctx, paymentId, 'capture', { amount, releaseRemainder }, key, (payment) => {
      if (payment.authorizationExpiresAt && payment.authorizationExpiresAt.getTime() <= Date.now()) {
        throw new InvalidTransitionError('expired', 'capture', 'The authorization has expired');
      }
      const capturable = payment.authorizedAmount - payment.capturedAmount;
      const take = this.amountWithin(amount, payment.currency, capturable, 'capturable');
      return { amount: take, releasesRemainder: releaseRemainder || take === capturable };
    });
  }

  voidPayment(ctx: RequestContext, paymentId: string, key?: string | null) {
    return this.operate(ctx, paymentId, 'void', {}, key, (payment) => ({
      amount: payment.authorizedAmount - payment.capturedAmount,
    }));
  }

  refundPayment(ctx: RequestContext, paymentId: string, amount: Money | null, key?: string | null) {
    return this.operate(ctx, paymentId, 'refund', { amount }, key, async (payment, tx) => {
      const refundable = payment.capturedAmount - payment.refundedAmount;
      const take = this.amountWithin(amount, payment.currency, refundable, 'refundable');
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

  // ---- reads --------------------------------------------------------------------------------

  getPayment(ctx: RequestContext, id: string): Promise<PaymentIntent> {
    return readPayment(ctx, id);
  }

  operations(ctx: RequestContext, payment: { id: string }): Promise<PaymentOperation[]> {
    return readOperations(ctx, payment);
  }

  // ---- the janitor's way in ------------------------------------------------------------------

  /**
   * Asks the method what became of an operation whose outcome is not known and settles the
   * payment accordingly. Never repeats the operation itself.
   */
  async resolveOperation(ctx: RequestContext, operationId: string): Promise<void> {
    const op = await ctx.em
      .fork()
      .findOne(PaymentOperation, operationId, { populate: ['payment', 'payment.customer'] });
    if (!op || !UNRESOLVED_OPERATION_STATUSES.includes(op.status)) return;
    const payment = op.payment;
    const method = this.#deps.methods.get(payment.method);
    if (!method) {
      ctx.log.error(
        { paymentId: payment.id, method: payment.method },
        'payment method is no longer installed',
      );
      return;
    }
    const call = this.call(ctx.em.fork(), ctx, payment, op, payment.customer);
    const result = await callExternal(
      () =>
        method.status({
          ...call,
          reference: op.reference ?? payment.methodReference ?? '',
          amount: money(op.amount, payment.currency),
          operation: op.kind === 'confirm' ? 'authorize' : op.kind,
        }),
      this.#deps.methodTimeoutMs,
      ctx.log,
    );
    await this.finishExternal(ctx, payment.id, op.id, result, null).catch((error: unknown) => {
      if (!(error instanceof GatewayError)) throw error;
    });
  }

  /** Releases an authorization past its hold (or an action never completed). */
  async expire(ctx: RequestContext, paymentId: string): Promise<boolean> {
    return this.transaction(ctx, async (tx) => {
      const payment = await tx.findOne(PaymentIntent, paymentId, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!payment) return false;
      const due =
        ((payment.status === 'authorized' || payment.status === 'partially_captured') &&
          payment.authorizationExpiresAt &&
          payment.authorizationExpiresAt.getTime() <= Date.now()) ||
        (payment.status === 'requires_action' &&
          payment.actionExpiresAt &&
          payment.actionExpiresAt.getTime() <= Date.now());
      if (!due || (await this.unresolvedOperation(tx, payment))) return false;
      await this.#deps.transitions.expire(tx, payment);
      return true;
    });
  }

  // ---- internals ----------------------------------------------------------------------------

  /** The account the money comes from: the customer's own (wallet) account, or the method's clearing. */
  private async fundingAccount(
    tx: EntityManager,
    method: PaymentMethod,
    command: CreatePaymentCommand,
    customer: Customer,
  ): Promise<string> {
    if (!method.fundingAccountKind) {
      return this.#deps.accounts.clearing(tx, method.id, command.amount.currency);
    }
    const account = isUuid(command.sourceId)
      ? await tx.findOne(LedgerAccount, {
          id: command.sourceId,
          kind: method.fundingAccountKind,
          customerId: customer.id,
          merchant: customer.merchant.id,
        })
      : null;
    if (!account) throw new NotFoundError(method.displayName, command.sourceId);
    if (account.currency !== command.amount.currency) {
      throw new ValidationError('amount', `the ${method.displayName} holds ${account.currency}`);
    }
    return account.id;
  }

  private amountWithin(amount: Money | null, currency: string, max: bigint, what: string): bigint {
    if (!amount) {
      if (max <= 0n) throw new ValidationError('amount', `nothing is ${what}`);
      return max;
    }
    if (amount.currency !== currency) throw new ValidationError('amount', `the payment is in ${currency}`);
    if (amount.amount <= 0n) throw new ValidationError('amount', 'amount must be positive');
    if (amount.amount > max) throw new ValidationError('amount', `at most ${max} (minor units) is ${what}`);
    return amount.amount;
  }

  private method(payment: PaymentIntent): PaymentMethod {
    const method = this.#deps.methods.get(payment.method);
    if (!method)
      throw new ValidationError('paymentId', `payment method "${payment.method}" is not installed`);
    return method;
  }

  /**
   * Runs one operation on an existing payment: claims the key, locks the payment, checks the
   * state, then calls the method (inside the transaction when internal, between two otherwise).
   */
  private async operate(
    ctx: RequestContext,
    paymentId: string,
    kind: Exclude<OperationKind, 'authorize'>,
    args: Record<string, unknown>,
    key: string | null | undefined,
    prepare: (
      payment: PaymentIntent,
      tx: EntityManager,
    ) =>
      | { amount: bigint; releasesRemainder?: boolean; hold?: string }
      | Promise<{ amount: bigint; releasesRemainder?: boolean; hold?: string }>,
  ): Promise<PaymentIntent> {
    if (
      ctx.principal.kind !== 'merchant' &&
      ctx.principal.kind !== 'operator' &&
      !(kind === 'confirm' && ctx.principal.kind === 'customer')
    ) {
      throw new NotFoundError('Payment', paymentId);
    }
    const idem = this.#deps.idempotency.request(ctx, `${kind}Payment`, { paymentId, ...args }, key);
    await this.settleEarlierOperation(ctx, paymentId);
    const started = await this.transaction<
      Phase<{ payment: PaymentIntent; op: PaymentOperation; method: PaymentMethod }>
    >(ctx, async (tx) => {
      if (idem) {
        const claim = await this.#deps.idempotency.claim(tx, idem);
        if (claim.kind === 'replay') return { replay: claim.result };
      }
      const payment = await this.lockVisible(ctx, tx, paymentId);
      assertCanStart(kind, payment.status);
      const pending = await this.unresolvedOperation(tx, payment);
      if (pending) {
        throw new InvalidTransitionError(
          payment.status,
          kind,
          `The outcome of an earlier ${pending.kind} is not known yet; try again later`,
        );
      }
      const method = this.method(payment);
      const prepared = await prepare(payment, tx);
      const op = this.startOperation(tx, payment, kind, prepared.amount);
      op.releasesRemainder = prepared.releasesRemainder ?? false;
      if (prepared.hold) op.hold = tx.getReference(LedgerHold, prepared.hold);
      if (!method.internal) {
        if (idem) await this.#deps.idempotency.remember(tx, idem, paymentResult(payment.id));
        return { payment, op, method };
      }
      await tx.flush();
      const customer = await tx.findOneOrFail(Customer, payment.customer.id);
      const outcome = await this.invoke(
        method,
        kind,
        {
          ...this.call(tx, ctx, payment, op, customer),
          reference: payment.methodReference ?? '',
          amount: money(op.amount, payment.currency),
        },
        args,
      );
      await this.#deps.transitions.apply(tx, payment, op, { outcome });
      if (kind === 'confirm' && payment.status === 'authorized' && payment.captureMethod === 'automatic') {
        await this.captureInside(tx, ctx, payment, method, payment.amount, true);
      }
      if (idem) await this.#deps.idempotency.complete(tx, idem, paymentResult(payment.id));
      return { done: payment };
    });
    if ('replay' in started) return replayStored(ctx, started.replay);
    if ('done' in started) return started.done;
    const { payment, op, method } = started;
    const customer = await ctx.em.fork().findOneOrFail(Customer, payment.customer.id);
    const call = {
      ...this.call(ctx.em.fork(), ctx, payment, op, customer),
      reference: payment.methodReference ?? '',
      amount: money(op.amount, payment.currency),
    };
    const result = await callExternal(
      () => this.invoke(method, kind, call, args),
      this.#deps.methodTimeoutMs,
      ctx.log,
    );
    return this.finishExternal(ctx, payment.id, op.id, result, idem);
  }

  private invoke(
    method: PaymentMethod,
    kind: Exclude<OperationKind, 'authorize'>,
    call: MethodCall & { reference: string; amount: Money },
    args: Record<string, unknown>,
  ): Promise<MethodOutcome> {
    switch (kind) {
      case 'confirm':
        return method.confirmAction!(call, String(args.response));
      case 'capture':
        return method.capture(call);
      case 'void':
        return method.void(call);
      case 'refund':
        return method.refund(call);
    }
  }

  /** The second transaction of an external call: the outcome, the ledger, and what follows from it. */
  private async finishExternal(
    ctx: RequestContext,
    paymentId: string,
    operationId: string,
    result: CallResult,
    idem: IdempotentRequest | null,
  ): Promise<PaymentIntent> {
    const { payment, authorizing } = await this.transaction(ctx, async (tx) => {
      const locked = await tx.findOneOrFail(PaymentIntent, paymentId, {
        lockMode: LockMode.PESSIMISTIC_WRITE,
      });
      const op = await tx.findOneOrFail(PaymentOperation, operationId);
      if (UNRESOLVED_OPERATION_STATUSES.includes(op.status)) {
        op.checks += 1;
        await this.#deps.transitions.apply(tx, locked, op, result);
      }
      return { payment: locked, authorizing: op.kind === 'authorize' || op.kind === 'confirm' };
    });
    let final = payment;
    if (
      authorizing &&
      payment.status === 'authorized' &&
      payment.captureMethod === 'automatic' &&
      payment.capturedAmount === 0n
    ) {
      final = await this.operate(this.systemView(ctx), payment.id, 'capture', {}, null, (p) => ({
        amount: p.authorizedAmount,
        releasesRemainder: true,
      })).catch((error: unknown) => {
        // The authorization stands; a capture that could not start is retried by the merchant.
        if (error instanceof GatewayError) return payment;
        throw error;
      });
    }
    const stored = 'error' in result ? errorResult(result.error) : paymentResult(payment.id);
    if (idem) await this.#deps.idempotency.complete(ctx.em.fork(), idem, stored);
    if ('error' in result) throw result.error;
    return final;
  }

  /** Captures inside the caller's transaction (internal methods). */
  private async captureInside(
    tx: EntityManager,
    ctx: RequestContext,
    payment: PaymentIntent,
    method: PaymentMethod,
    amount: bigint,
    releasesRemainder: boolean,
  ): Promise<void> {
    // The authorization's operation must be on record as resolved before the capture's begins.
    await tx.flush();
    const op = this.startOperation(tx, payment, 'capture', amount);
    op.releasesRemainder = releasesRemainder;
    await tx.flush();
    const customer = await tx.findOneOrFail(Customer, payment.customer.id);
    const outcome = await method.capture({
      ...this.call(tx, ctx, payment, op, customer),
      reference: payment.methodReference ?? '',
      amount: money(amount, payment.currency),
    });
    await this.#deps.transitions.apply(tx, payment, op, { outcome });
  }

  /** Before a new operation, ask about an earlier one whose outcome is not known (Kill Bill does the same). */
  private async settleEarlierOperation(ctx: RequestContext, paymentId: string): Promise<void> {
    if (!isUuid(paymentId)) return;
    const due = await ctx.em.fork().findOne(PaymentOperation, {
      payment: paymentId,
      status: { $in: ['pending', 'unknown'] },
    });
    if (due) await this.resolveOperation(ctx, due.id);
  }

  private unresolvedOperation(tx: EntityManager, payment: PaymentIntent): Promise<PaymentOperation | null> {
    return tx.findOne(PaymentOperation, {
      payment: payment.id,
      status: { $in: [...UNRESOLVED_OPERATION_STATUSES] },
    });
  }

  private async lockVisible(
    ctx: RequestContext,
    tx: EntityManager,
    paymentId: string,
  ): Promise<PaymentIntent> {
    const filter = merchantFilter(ctx.principal);
    const payment =
      filter && isUuid(paymentId)
        ? await tx.findOne(
            PaymentIntent,
            { id: paymentId, ...filter },
            { lockMode: LockMode.PESSIMISTIC_WRITE },
          )
        : null;
    if (!payment) throw new NotFoundError('Payment', paymentId);
    if (ctx.principal.kind === 'customer') {
      const customer = await tx.findOne(Customer, payment.customer.id);
      if (customer?.externalRef !== ctx.principal.customerRef) throw new NotFoundError('Payment', paymentId);
    }
    return payment;
  }

  private startOperation(tx: EntityManager, payment: PaymentIntent, kind: OperationKind, amount: bigint) {
    const id = randomUUID();
    return tx.create(PaymentOperation, {
      id,
      payment,
      kind,
      amount,
      status: 'started',
      fromStatus: payment.status,
      operationKey: `${payment.id}:${kind}:${id}`,
      reference: null,
      declineReason: null,
      message: null,
      releasesRemainder: false,
      hold: null,
      checks: 0,
      // A call that never comes back (the process died) is asked about once the method had its time.
      nextCheckAt: new Date(Date.now() + this.#deps.methodTimeoutMs * 2),
      resolvedAt: null,
    });
  }

  private call(
    em: EntityManager,
    ctx: RequestContext,
    payment: PaymentIntent,
    op: PaymentOperation,
    customer: Customer,
  ): MethodCall {
    return {
      paymentId: payment.id,
      merchantId: payment.merchant.id,
      customerRef: customer.externalRef,
      customerId: customer.id,
      operationKey: op.operationKey,
      em,
      log: ctx.log.child({ paymentId: payment.id, operation: op.kind }),
    };
  }

  /** The engine acting on its own (an automatic capture after an asynchronous approval). */
  private systemView(ctx: RequestContext): RequestContext {
    return { ...ctx, principal: { kind: 'operator', keyId: 'payments-engine' }, headers: new Headers() };
  }

  private transaction<T>(ctx: RequestContext, work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return ctx.em.fork().transactional(work);
  }
}
