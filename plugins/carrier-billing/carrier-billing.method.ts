import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EntityManager } from '@mikro-orm/core';
import { isUuid, Merchant, money } from '../../core/plugin-api.ts';
import {
  type AuthorizeCall,
  LimitExceededError,
  type MethodOperation,
  type MethodOutcome,
  type PaymentMethod,
  type ReferenceCall,
} from '../payments/api.ts';
import { CarrierBillingSource } from './billing-source.entity.ts';
import { CarrierCharge } from './carrier-charge.entity.ts';
import type { SandboxCarrier } from './sandbox-carrier.ts';

/**
 * Korean mobile carrier billing (휴대폰 소액결제): the charge goes on the phone bill. Every
 * payment needs a one-time code texted to the phone (`action_required`, type `otp`) before it
 * is authorized, and counts against the line's monthly cap.
 */
export class CarrierBillingMethod implements PaymentMethod {
  readonly id = 'carrier-billing';
  readonly displayName = 'Mobile carrier billing (휴대폰 소액결제)';
  readonly internal = false;
  readonly #carrier: SandboxCarrier;
  /** How long the gateway waits for the carrier's reply before calling the outcome unknown. */
  readonly #readTimeoutMs: number;

  constructor(carrier: SandboxCarrier, readTimeoutMs: number) {
    this.#carrier = carrier;
    this.#readTimeoutMs = readTimeoutMs;
  }

  supports(currency: string): boolean {
    return currency === 'KRW';
  }

  async authorize(call: AuthorizeCall): Promise<MethodOutcome> {
    const em = call.em.fork();
    const source = isUuid(call.sourceId)
      ? await em.findOne(CarrierBillingSource, { id: call.sourceId }, { populate: ['subscriber'] })
      : null;
    const usable =
      source &&
      source.merchant.id === call.merchantId &&
      (!source.subject || !call.subjectId || source.subject.id === call.subjectId);
    if (!usable) {
      return {
        status: 'declined',
        reason: 'invalid_source',
        message: 'No such verified carrier billing source',
      };
    }
    const merchant = await em.findOneOrFail(Merchant, { id: call.merchantId });
    const reference = randomUUID();
    const outcome = await this.#carrier.authorize(em, {
      reference,
      operationKey: call.operationKey,
      source,
      merchantId: call.merchantId,
      merchantName: merchant.name,
      amount: call.amount,
    });
    call.log.info({ reference, outcome: outcome.status }, 'carrier charge');
    return this.#surfaceLimit(em, source.subscriber.id, outcome);
  }

  async confirmAction(call: ReferenceCall, response: string): Promise<MethodOutcome> {
    const em = call.em.fork();
    const { outcome, delivery } = await this.#carrier.confirm(em, call, response);
    if (delivery === 'lost') {
      await sleep(this.#readTimeoutMs);
      return {
        status: 'unknown',
        reference: call.reference,
        detail: `The carrier did not answer within ${this.#readTimeoutMs} ms; ask status() later`,
      };
    }
    if (outcome.status !== 'declined' || outcome.reason !== 'limit_exceeded') return outcome;
    const charge = await em.findOneOrFail(CarrierCharge, { id: call.reference });
    return this.#surfaceLimit(em, charge.subscriber.id, outcome);
  }

  capture(call: ReferenceCall): Promise<MethodOutcome> {
    return this.#carrier.capture(call.em.fork(), call);
  }

  void(call: ReferenceCall): Promise<MethodOutcome> {
    return this.#carrier.void(call.em.fork(), call);
  }

  refund(call: ReferenceCall): Promise<MethodOutcome> {
    return this.#carrier.refund(call.em.fork(), call);
  }

  status(call: ReferenceCall & { operation: MethodOperation }): Promise<MethodOutcome> {
    return this.#carrier.status(call.em.fork(), call);
  }

  /** A charge the cap refused is the engine's typed `LimitExceededError`, with what is left this month. */
  async #surfaceLimit(
    em: EntityManager,
    subscriberId: string,
    outcome: MethodOutcome,
  ): Promise<MethodOutcome> {
    if (outcome.status !== 'declined' || outcome.reason !== 'limit_exceeded') return outcome;
    const { cap, used } = await this.#carrier.usage(em, subscriberId, new Date());
    throw new LimitExceededError(outcome.message, {
      limit: money(cap, 'KRW'),
      remaining: money(cap > used ? cap - used : 0n, 'KRW'),
    });
  }
}
