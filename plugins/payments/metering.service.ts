import { type EntityManager, LockMode } from '@mikro-orm/core';
import {
  type AuthenticatedContext,
  isUuid,
  type MerchantContext,
  MICROS_PER_MINOR,
  MoneyError,
  merchantFilter,
  money,
  NotFoundError,
  parseMinorDecimalToMicros,
  splitWholeMinorUnits,
  ValidationError,
} from '../../core/plugin-api.ts';
import { Customer } from './customer.entity.ts';
import type { FeePosting } from './fees/fee-posting.ts';
import type { IdempotencyService, IdempotentRequest } from './idempotency.service.ts';
import type { LedgerService } from './ledger/ledger.service.ts';
import { LedgerAccount } from './ledger/ledger-account.entity.ts';
import type { PaymentMethodRegistry } from './method-registry.ts';
import type { PaymentAccounts } from './payment-accounts.ts';
import { reviveError } from './stored-result.ts';
import { UsageMeter } from './usage-meter.entity.ts';
import { UsageRecord } from './usage-record.entity.ts';

export interface CreateMeterInput {
  customerId: string;
  /** Minor units per unit of use, up to six decimals: "0.1" is a tenth of a won per call. */
  unitPrice: string;
  currency: string;
  method: string;
  sourceId: string;
  description?: string | null;
}

const MAX_QUANTITY = 1_000_000_000;

/**
 * Metered usage: each use adds its price, exact to a millionth of a minor unit, to the meter;
 * a charge moves the whole minor units accrued from the customer's account to the merchant
 * and carries the rest. Nothing is rounded away: usage = charged + still accrued, always.
 */
export class MeteringService {
  readonly #ledger: LedgerService;
  readonly #accounts: PaymentAccounts;
  readonly #methods: PaymentMethodRegistry;
  readonly #idempotency: IdempotencyService;
  readonly #fees: FeePosting;

  constructor(deps: {
    ledger: LedgerService;
    accounts: PaymentAccounts;
    methods: PaymentMethodRegistry;
    idempotency: IdempotencyService;
    fees: FeePosting;
  }) {
    this.#ledger = deps.ledger;
    this.#accounts = deps.accounts;
    this.#methods = deps.methods;
    this.#idempotency = deps.idempotency;
    this.#fees = deps.fees;
  }

  async createMeter(ctx: MerchantContext, input: CreateMeterInput): Promise<UsageMeter> {
    const { merchantId } = ctx.principal;
    const method = this.#methods.get(input.method);
    if (!method?.fundingAccountKind) {
      throw new ValidationError(
        'method',
        'metered usage is charged from an account-funded method, such as `wallet`',
      );
    }
    let unitPriceMicros: bigint;
    try {
      unitPriceMicros = parseMinorDecimalToMicros(input.unitPrice);
      money(0n, input.currency);
    } catch (error) {
      if (error instanceof MoneyError) throw new ValidationError('unitPrice', error.message);
      throw error;
    }
    if (unitPriceMicros <= 0n) throw new ValidationError('unitPrice', 'the unit price must be positive');
    if ((input.description?.length ?? 0) > 200)
      throw new ValidationError('description', 'at most 200 characters');
    const customer = isUuid(input.customerId)
      ? await ctx.em.findOne(Customer, { id: input.customerId, merchant: merchantId })
      : null;
    if (!customer) throw new NotFoundError('Customer', input.customerId);
    const account = isUuid(input.sourceId)
      ? await ctx.em.findOne(LedgerAccount, {
          id: input.sourceId,
          kind: method.fundingAccountKind,
          customerId: customer.id,
          merchant: merchantId,
        })
      : null;
    if (!account) throw new NotFoundError(method.displayName, input.sourceId);
    if (account.currency !== input.currency) {
      throw new ValidationError('currency', `the ${method.displayName} holds ${account.currency}`);
    }
    const meter = ctx.em.create(UsageMeter, {
      merchant: merchantId,
      customer,
      currency: input.currency,
      unitPriceMicros,
      method: method.id,
      fundingAccount: account,
      description: input.description ?? null,
      accruedMicros: 0n,
      billedMinor: 0n,
    });
    await ctx.em.flush();
    return meter;
  }

  async get(ctx: AuthenticatedContext, id: string): Promise<UsageMeter> {
    const filter = merchantFilter(ctx.principal);
    const self = ctx.principal.kind === 'customer' ? { customer: { subject: ctx.principal.subjectId } } : {};
    const meter = isUuid(id) ? await ctx.em.findOne(UsageMeter, { id, ...filter, ...self }) : null;
    if (!meter) throw new NotFoundError('UsageMeter', id);
    return meter;
  }

  /** Adds `quantity` uses at the meter's unit price. */
  recordUsage(
    ctx: MerchantContext,
    meterId: string,
    quantity: number,
    key?: string | null,
  ): Promise<UsageMeter> {
    if (!Number.isInteger(quantity) || quantity < 1 || quantity > MAX_QUANTITY) {
      throw new ValidationError('quantity', `quantity must be a whole number from 1 to ${MAX_QUANTITY}`);
    }
    const idem = this.#idempotency.request(ctx, 'recordUsage', { meterId, quantity }, key);
    return this.step(ctx, meterId, idem, async (tx, meter) => {
      const amountMicros = meter.unitPriceMicros * BigInt(quantity);
      meter.accruedMicros += amountMicros;
      tx.create(UsageRecord, { meter, kind: 'usage', quantity: BigInt(quantity), amountMicros, entry: null });
    });
  }

  /**
   * Charges the whole minor units accrued and carries the remainder; does nothing below one unit.
   * The charge pays the merchant's pricing for the meter's method on what it charged, posted with
   * it: a fee is computed on whole minor units, so it is exact in millionths (1.5 % of KRW 10 is
   * KRW 0.15, carried until the merchant's fees reach a whole won), which a fee per sub-minor use
   * would not be (1.5 % of KRW 0.000001 is a fraction of a millionth).
   */
  chargeMeter(ctx: MerchantContext, meterId: string, key?: string | null): Promise<UsageMeter> {
    const idem = this.#idempotency.request(ctx, 'chargeUsageMeter', { meterId }, key);
    return this.step(ctx, meterId, idem, async (tx, meter) => {
      const { minor, remainderMicros } = splitWholeMinorUnits(meter.accruedMicros);
      if (minor === 0n) return;
      const payee = await this.#accounts.merchantPayable(tx, meter.merchant.id, meter.currency);
      const entryId = await this.#ledger.transfer(tx, {
        debitAccountId: meter.fundingAccount.id,
        creditAccountId: payee,
        amount: money(minor, meter.currency),
        kind: 'usage',
        reference: `usage_meter:${meter.id}`,
        description: meter.description,
      });
      const feeMicros = await this.#fees.chargeUsage(tx, {
        merchantId: meter.merchant.id,
        method: meter.method,
        payeeAccountId: payee,
        charged: money(minor, meter.currency),
      });
      meter.accruedMicros = remainderMicros;
      meter.billedMinor += minor;
      meter.feeMicros += feeMicros;
      tx.create(UsageRecord, {
        meter,
        kind: 'charge',
        quantity: 0n,
        amountMicros: minor * MICROS_PER_MINOR,
        feeMicros,
        entry: entryId,
      });
    });
  }

  private async step(
    ctx: MerchantContext,
    meterId: string,
    idem: IdempotentRequest | null,
    work: (tx: EntityManager, meter: UsageMeter) => Promise<void>,
  ): Promise<UsageMeter> {
    const { merchantId } = ctx.principal;
    const replayed = await ctx.em.fork().transactional(async (tx) => {
      if (idem) {
        const claim = await this.#idempotency.claim(tx, idem);
        if (claim.kind === 'replay') return claim.result;
      }
      const meter = isUuid(meterId)
        ? await tx.findOne(
            UsageMeter,
            { id: meterId, merchant: merchantId },
            { lockMode: LockMode.PESSIMISTIC_WRITE },
          )
        : null;
      if (!meter) throw new NotFoundError('UsageMeter', meterId);
      await work(tx, meter);
      if (idem) await this.#idempotency.complete(tx, idem, { type: 'UsageMeter', id: meter.id });
      return null;
    });
    if (replayed && replayed.type !== 'UsageMeter') throw reviveError(replayed);
    return this.get(ctx, meterId);
  }
}
