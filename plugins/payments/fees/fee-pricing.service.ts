import { type EntityManager, LockMode } from '@mikro-orm/core';
import {
  type AuthenticatedContext,
  isCurrency,
  isUuid,
  type Money,
  NotFoundError,
  type OperatorContext,
  query,
  type RequestContext,
  ValidationError,
} from '../../../core/plugin-api.ts';
import type { PaymentMethodRegistry } from '../method-registry.ts';
import { FeePricing, type FeeRefundPolicy, MAX_BASIS_POINTS } from './fee-pricing.entity.ts';
import { FeePricingChange, type PricingTerms } from './fee-pricing-change.entity.ts';

/** Which pricing: a merchant's, or the gateway's default (`merchantId` null), for a currency and method. */
export interface PricingKey {
  merchantId: string | null;
  currency: string;
  method: string;
}

/** The currency is the fixed part's. */
export interface PricingInput extends Omit<PricingKey, 'currency'> {
  fixed: Money;
  basisPoints: number;
  minimum: Money | null;
  maximum: Money | null;
  onRefund: FeeRefundPolicy;
  reason: string;
}

const MAX_REASON = 500;

const termsOf = (p: FeePricing): PricingTerms => ({
  fixedMinor: p.fixedMinor.toString(),
  basisPoints: p.basisPoints,
  minMinor: p.minMinor?.toString() ?? null,
  maxMinor: p.maxMinor?.toString() ?? null,
  onRefund: p.onRefund,
});

/**
 * Pricings and their audit. Operators set and remove them (each change appended to the audit in
 * the same transaction); a merchant reads its own and the defaults. A change applies to the next
 * payment in every process at once: the fee is looked up in the database by the payment's own
 * statement, never from a copy held in memory.
 */
export class FeePricingService {
  readonly #methods: PaymentMethodRegistry;

  constructor(methods: PaymentMethodRegistry) {
    this.#methods = methods;
  }

  /** Operators: every pricing, or one merchant's and the defaults; a merchant: its own and the defaults. */
  async list(ctx: RequestContext, merchantId: string | null): Promise<FeePricing[]> {
    if (ctx.principal.kind !== 'operator' && ctx.principal.kind !== 'merchant') return [];
    const own = ctx.principal.kind === 'merchant' ? ctx.principal.merchantId : merchantId;
    if (own !== null && !isUuid(own)) return [];
    const where = own === null ? {} : { $or: [{ merchant: own }, { merchant: null }] };
    return ctx.em.find(FeePricing, where, {
      orderBy: { merchant: { id: 'asc' }, currency: 'asc', method: 'asc' },
    });
  }

  async changes(
    ctx: AuthenticatedContext,
    merchantId: string | null,
    page: { limit: number; offset: number },
  ): Promise<FeePricingChange[]> {
    const own = ctx.principal.kind === 'merchant' ? ctx.principal.merchantId : merchantId;
    if (own !== null && !isUuid(own)) return [];
    const where = own === null ? {} : { $or: [{ merchantId: own }, { merchantId: null }] };
    return ctx.em.find(FeePricingChange, where, { orderBy: { id: 'desc' }, ...page });
  }

  async set(ctx: OperatorContext, given: PricingInput): Promise<FeePricing> {
    const input = { ...given, currency: given.fixed.currency };
    const reason = this.#reason(input.reason);
    this.#validate(input);
    return ctx.em.fork().transactional(async (tx) => {
      const current = await this.#lock(tx, input);
      const before = current ? termsOf(current) : null;
      const terms = {
        fixedMinor: input.fixed.amount,
        basisPoints: input.basisPoints,
        minMinor: input.minimum?.amount ?? null,
        maxMinor: input.maximum?.amount ?? null,
        onRefund: input.onRefund,
        updatedAt: new Date(),
      };
      const pricing =
        current ??
        tx.create(FeePricing, {
          merchant: input.merchantId,
          currency: input.currency,
          method: input.method,
          ...terms,
        });
      tx.assign(pricing, terms);
      this.#audit(tx, ctx, input, reason, before, termsOf(pricing));
      await tx.flush();
      return pricing;
    });
  }

  /** Removes a pricing: the merchant's payments fall back to the default, the default's to no fee. */
  async remove(ctx: OperatorContext, key: PricingKey & { reason: string }): Promise<FeePricing> {
    const reason = this.#reason(key.reason);
    if ((key.merchantId !== null && !isUuid(key.merchantId)) || !isCurrency(key.currency))
      throw new NotFoundError('FeePricing', `${key.currency}/${key.method}`);
    return ctx.em.fork().transactional(async (tx) => {
      const current = await this.#lock(tx, key);
      if (!current) throw new NotFoundError('FeePricing', `${key.currency}/${key.method}`);
      this.#audit(tx, ctx, key, reason, termsOf(current), null);
      tx.remove(current);
      await tx.flush();
      return current;
    });
  }

  /** The pricing row, locked; a first pricing serializes on the merchant row (or nothing for defaults). */
  async #lock(tx: EntityManager, key: PricingKey): Promise<FeePricing | null> {
    if (key.merchantId !== null) {
      const merchant = await query(tx, 'select id from merchant where id = ? for no key update', [
        key.merchantId,
      ]);
      if (merchant.length === 0) throw new NotFoundError('Merchant', key.merchantId);
    } else {
      // Defaults have no row to lock: a transaction-scoped advisory lock per currency and method.
      await query(tx, 'select pg_advisory_xact_lock(hashtext(?))', [
        `fee_pricing/${key.currency}/${key.method}`,
      ]);
    }
    return tx.findOne(
      FeePricing,
      { merchant: key.merchantId, currency: key.currency, method: key.method },
      { lockMode: LockMode.PESSIMISTIC_WRITE },
    );
  }

  #audit(
    tx: EntityManager,
    ctx: OperatorContext,
    key: PricingKey,
    reason: string,
    before: PricingTerms | null,
    after: PricingTerms | null,
  ): void {
    tx.create(FeePricingChange, {
      merchantId: key.merchantId,
      currency: key.currency,
      method: key.method,
      before,
      after,
      reason,
      actorKeyId: ctx.principal.keyId,
      changedAt: new Date(),
    });
  }

  #reason(reason: string): string {
    const trimmed = reason.trim();
    if (trimmed.length === 0 || trimmed.length > MAX_REASON)
      throw new ValidationError('reason', `reason must be 1 to ${MAX_REASON} characters`);
    return trimmed;
  }

  #validate(input: PricingInput & PricingKey): void {
    if (input.merchantId !== null && !isUuid(input.merchantId))
      throw new NotFoundError('Merchant', input.merchantId);
    if (!this.#methods.get(input.method))
      throw new ValidationError('method', `no payment method "${input.method}" is installed`);
    for (const [field, amount] of [
      ['fixed', input.fixed],
      ['minimum', input.minimum],
      ['maximum', input.maximum],
    ] as const) {
      if (!amount) continue;
      if (amount.currency !== input.currency)
        throw new ValidationError(field, `the pricing is in ${input.currency}`);
      if (amount.amount < 0n) throw new ValidationError(field, `${field} cannot be negative`);
    }
    if (!Number.isInteger(input.basisPoints) || input.basisPoints < 0 || input.basisPoints > MAX_BASIS_POINTS)
      throw new ValidationError(
        'basisPoints',
        `basis points are a whole number from 0 to ${MAX_BASIS_POINTS}`,
      );
    if (input.minimum && input.maximum && input.maximum.amount < input.minimum.amount)
      throw new ValidationError('maximum', 'the maximum is below the minimum');
  }
}
