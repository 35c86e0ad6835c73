import type { EntityManager } from '@mikro-orm/core';
import { isUuid, NotFoundError, ValidationError } from '../../core/plugin-api.ts';
import type { CreatePaymentCommand, Payee } from './create-payment-command.ts';
import { Customer } from './customer.entity.ts';
import { customerNotFound } from './erased-customer.ts';
import { LedgerAccount } from './ledger/ledger-account.entity.ts';
import { startOperation } from './method-invoker.ts';
import type { PaymentAccounts } from './payment-accounts.ts';
import { PaymentIntent } from './payment-intent.entity.ts';
import type { PaymentMethod } from './payment-method.ts';
import type { PaymentReview } from './payment-review.ts';
import type { StartedOperation } from './started-operation.ts';

/**
 * The start of createPayment's authorization in the protocol's first transaction: the customer,
 * the accounts the money will move between, the payment and its `authorize` operation.
 */
export class NewPaymentStarter {
  readonly #accounts: PaymentAccounts;
  readonly #methodTimeoutMs: number;

  constructor(accounts: PaymentAccounts, methodTimeoutMs: number) {
    this.#accounts = accounts;
    this.#methodTimeoutMs = methodTimeoutMs;
  }

  async start(
    tx: EntityManager,
    merchantId: string,
    paymentId: string,
    method: PaymentMethod,
    command: CreatePaymentCommand,
    payee?: Payee,
    review?: PaymentReview,
  ): Promise<StartedOperation> {
    // Only a customer whose privacy subject is live: an erased one is refused (erased-customer.ts).
    const customer = await tx.findOne(Customer, {
      id: command.customerId,
      merchant: merchantId,
      subject: { shreddedAt: null },
    });
    if (!customer) return customerNotFound(tx, merchantId, command.customerId);
    const fundingAccountId = await this.#fundingAccount(tx, method, command, customer);
    const payeeAccountId =
      payee?.accountId ?? (await this.#accounts.merchantPayable(tx, merchantId, command.amount.currency));
    const payment = tx.create(PaymentIntent, {
      id: paymentId,
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
      review: review ?? null,
    });
    const op = startOperation(tx, payment, 'authorize', payment.amount, this.#methodTimeoutMs);
    return { payment, op, method, customer };
  }

  /** The account the money comes from: the customer's own (wallet) account, or the method's clearing. */
  async #fundingAccount(
    tx: EntityManager,
    method: PaymentMethod,
    command: CreatePaymentCommand,
    customer: Customer,
  ): Promise<string> {
    if (!method.fundingAccountKind) {
      return this.#accounts.clearing(tx, method.id, command.amount.currency);
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
}
