import { isUuid, money, NotFoundError, type RequestContext, ValidationError } from '../../core/plugin-api.ts';
import type { CreatePaymentCommand, Payee } from './create-payment-command.ts';
import { customerNotFound } from './erased-customer.ts';
import type { IdempotentRequest } from './idempotency.service.ts';
import type { StoredResult } from './idempotency-record.entity.ts';
import { InsufficientFundsError } from './ledger/ledger-errors.ts';
import type { PayFromAccountBatcher } from './pay-from-account-batcher.ts';
import type { PaymentMethod } from './payment-method.ts';
import { replayStored } from './payment-reader.ts';
import type { PaymentView } from './payment-view.ts';

/**
 * The micropayment hot path: a payment from an account the customer owns (the wallet),
 * authorized and captured at once, checked, keyed, moved and recorded in one database round trip
 * shared with the payments that arrive meanwhile (PayFromAccountBatcher). It writes no
 * operation, since no method is called.
 */
export class PayFromAccountPath {
  readonly #batcher: PayFromAccountBatcher;

  constructor(batcher: PayFromAccountBatcher) {
    this.#batcher = batcher;
  }

  /**
   * The payment, or null when it takes the general path: a method without such an account, a
   * manual capture, a top-up (it pays a wallet, not the merchant), or a key the batch cannot
   * settle alone (`busy`).
   */
  async pay(
    ctx: RequestContext,
    merchantId: string,
    paymentId: string,
    method: PaymentMethod,
    command: CreatePaymentCommand,
    idem: IdempotentRequest | null,
    payee?: Payee,
  ): Promise<PaymentView | null> {
    const accountKind = method.fundingAccountKind;
    if (!method.internal || !accountKind || command.captureMethod !== 'automatic' || payee) return null;
    const { amount } = command;
    if (!isUuid(command.sourceId)) throw new NotFoundError(method.displayName, command.sourceId);
    const answer = await this.#batcher.pay({
      paymentId,
      merchant: merchantId,
      customer: command.customerId,
      method: method.id,
      accountKind,
      source: command.sourceId,
      amount: amount.amount.toString(),
      currency: amount.currency,
      description: command.description ?? null,
      metadata: command.metadata ?? [],
      idemScope: idem?.scope ?? null,
      idemKey: idem?.key ?? null,
      idemOperation: idem?.operation ?? null,
      idemHash: idem?.hash ?? null,
    });
    switch (answer.outcome) {
      case 'captured': {
        const at = new Date(Number(answer.created_ms));
        return {
          id: answer.payment_id,
          merchant: { id: merchantId },
          customer: { id: command.customerId },
          method: method.id,
          purpose: 'payment',
          status: 'captured',
          captureMethod: 'automatic',
          currency: amount.currency,
          amount: amount.amount,
          authorizedAmount: amount.amount,
          capturedAmount: amount.amount,
          refundedAmount: 0n,
          feeMicros: BigInt(answer.detail),
          feeReturnedMicros: 0n,
          description: command.description ?? null,
          metadata: [...(command.metadata ?? [])],
          review: null,
          declineReason: null,
          declineMessage: null,
          actionType: null,
          actionHint: null,
          actionExpiresAt: null,
          authorizationExpiresAt: null,
          createdAt: at,
          updatedAt: at,
        };
      }
      case 'replay':
        return replayStored(ctx, JSON.parse(answer.detail) as StoredResult);
      case 'busy':
        return null;
      case 'no_customer':
        return customerNotFound(ctx.em, merchantId, command.customerId);
      case 'no_source':
        throw new NotFoundError(method.displayName, command.sourceId);
      case 'wrong_currency':
        throw new ValidationError('amount', `the ${method.displayName} holds ${answer.detail}`);
      case 'insufficient_funds':
        throw new InsufficientFundsError(money(BigInt(answer.detail), amount.currency), amount);
      default: {
        const unhandled: never = answer;
        throw new Error(`unhandled payments_pay_from_accounts answer ${JSON.stringify(unhandled)}`);
      }
    }
  }
}
