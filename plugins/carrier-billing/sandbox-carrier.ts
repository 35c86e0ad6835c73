import { randomInt, randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/core';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { type Money, query, type SecretBox } from '../../core/plugin-api.ts';
import {
  decline,
  type FollowUpRequest,
  type MethodOperation,
  type MethodOutcome,
  SimulatedNetwork,
  type Verdict,
} from '../payments/api.ts';
import type { CarrierBillingSource } from './billing-source.entity.ts';
import { CarrierCharge, type ChargeDecline } from './carrier-charge.entity.ts';
import { CarrierChargeOperation, type ChargeOperationKind } from './carrier-charge-operation.entity.ts';
import type { CarrierKeyring } from './carrier-keyring.ts';
import { CARRIER_NAMES, maskPhoneNumber } from './phone-number.ts';
import { CarrierSandboxMessage, type MessagePurpose } from './sandbox-message.entity.ts';
import { seoulMonth } from './seoul-month.ts';
import type { CarrierSubscriber } from './subscriber.entity.ts';
import type { SubscriberDirectory } from './subscriber-directory.ts';
import { CarrierVerification } from './verification.entity.ts';

export interface SandboxCarrierOptions {
  monthlyCap: bigint;
  codeTtlMs: number;
}

export interface ChargeRequest {
  reference: string;
  operationKey: string;
  source: CarrierBillingSource;
  merchantId: string;
  merchantName: string;
  amount: Money;
}

export type { FollowUpRequest };

export interface MonthlyUsage {
  month: string;
  cap: bigint;
  used: bigint;
}

/** The carrier's answer, and whether it reaches the gateway: the sandbox can lose it on purpose. */
export interface CarrierReply {
  outcome: MethodOutcome;
  delivery: 'now' | 'lost';
}

/**
 * The sandbox phone line whose confirmations the carrier carries out but never answers, as if
 * the connection dropped: the gateway learns the outcome only through `status`.
 */
export const SANDBOX_LOST_REPLY_PHONE = '01000000408';

const MESSAGE_PURPOSE = 'carrier-billing:sandbox-message';
// Sent codes stay readable in the sandbox outbox for a day after they expire, then are purged.
const OUTBOX_RETENTION = "interval '1 day'";

export function generateCode(): string {
  return randomInt(0, 1_000_000).toString().padStart(6, '0');
}

const won = (amount: bigint) => `${amount.toLocaleString('ko-KR')}원`;

/**
 * A faithful fake of a Korean mobile carrier's micropayment gateway: the outside world. It
 * texts one-time codes (into a sandbox outbox instead of a phone), keeps its own charge
 * records idempotent on the gateway's operation keys, and enforces each phone line's
 * monthly cap with single conditional statements on a per-(line, month) usage row.
 */
export class SandboxCarrier {
  readonly #options: SandboxCarrierOptions;
  readonly #keyring: CarrierKeyring;
  readonly #secrets: SecretBox;
  readonly #subscribers: SubscriberDirectory;
  readonly #network = new SimulatedNetwork({
    party: 'carrier',
    noun: 'charge',
    record: CarrierCharge,
    operation: CarrierChargeOperation,
    link: 'charge',
    populate: ['subscriber'],
    declined: DECLINE_MESSAGES.do_not_honor,
    outcomeOf: (charge: CarrierCharge) => this.#outcomeOf(charge),
  });

  constructor(
    options: SandboxCarrierOptions,
    deps: { keyring: CarrierKeyring; secrets: SecretBox; subscribers: SubscriberDirectory },
  ) {
    this.#options = options;
    this.#keyring = deps.keyring;
    this.#secrets = deps.secrets;
    this.#subscribers = deps.subscribers;
  }

  get monthlyCap(): bigint {
    return this.#options.monthlyCap;
  }

  /** Texts a one-time code to the subscriber's phone. */
  async sendCode(
    em: EntityManager,
    message: { subscriber: CarrierSubscriber; purpose: MessagePurpose; reference: string; text: string },
    code: string,
    expiresAt: Date,
  ): Promise<void> {
    const id = randomUUID();
    await query(em, `delete from "carrier_sandbox_message" where "expires_at" < now() - ${OUTBOX_RETENTION}`);
    em.create(CarrierSandboxMessage, {
      id,
      subscriber: message.subscriber,
      purpose: message.purpose,
      reference: message.reference,
      sealedBody: this.#secrets.seal(MESSAGE_PURPOSE, JSON.stringify({ text: message.text, code }), id),
      expiresAt,
    });
    await em.flush();
  }

  /**
   * The sandbox phone's inbox: what was texted, newest first. With `merchantId`, only the texts
   * for that merchant's own verifications and charges (a merchant finishing the sandbox flow).
   */
  async inbox(
    em: EntityManager,
    subscriber: CarrierSubscriber,
    limit: number,
    merchantId?: string,
  ): Promise<{ message: CarrierSandboxMessage; text: string; code: string }[]> {
    const ownReferences = async () => {
      const verifications = await em.find(CarrierVerification, { subscriber, merchant: merchantId });
      const charges = await em.find(CarrierCharge, { subscriber, merchantId });
      return [...verifications, ...charges].map((r) => r.id);
    };
    const messages = await em.find(
      CarrierSandboxMessage,
      merchantId === undefined ? { subscriber } : { subscriber, reference: { $in: await ownReferences() } },
      { orderBy: { createdAt: 'desc', id: 'asc' }, limit },
    );
    return messages.map((message) => {
      const body = JSON.parse(this.#secrets.openString(MESSAGE_PURPOSE, message.sealedBody, message.id));
      return { message, text: body.text, code: body.code };
    });
  }

  /** How much of the monthly cap a line has used in the month of `at`. */
  async usage(em: EntityManager, subscriberId: string, at: Date): Promise<MonthlyUsage> {
    const month = seoulMonth(at);
    const [row] = await query<{ used: string }>(
      em,
      `select "used" from "carrier_monthly_usage" where "subscriber_id" = ? and "month" = ?`,
      [subscriberId, month],
    );
    return { month, cap: this.#options.monthlyCap, used: BigInt(row?.used ?? 0) };
  }

  /**
   * Starts a charge: checks the cap, texts a code and waits for it. Nothing counts against the
   * cap until the code confirms the charge.
   */
  async authorize(em: EntityManager, request: ChargeRequest): Promise<MethodOutcome> {
    return this.#withHint(em, await this.#authorize(em, request));
  }

  async #authorize(em: EntityManager, request: ChargeRequest): Promise<MethodOutcome> {
    await this.#keyring.load();
    const known = await em.findOne(
      CarrierCharge,
      { operationKey: request.operationKey },
      { populate: ['subscriber'] },
    );
    if (known) return this.#replay(known, request);
    const { source, amount } = request;
    const subscriber = source.subscriber;
    const now = new Date();
    const { used, cap } = await this.usage(em, subscriber.id, now);
    const verdict: Verdict<ChargeDecline> =
      amount.currency !== 'KRW'
        ? decline('do_not_honor', 'Carrier billing charges KRW only')
        : amount.amount <= 0n
          ? decline('do_not_honor', 'The amount must be positive')
          : used + amount.amount > cap
            ? decline('limit_exceeded', `The monthly limit of ${won(cap)} would be exceeded`)
            : { approved: true };
    const code = generateCode();
    const codeExpiresAt = new Date(now.getTime() + this.#options.codeTtlMs);
    const charge = em.create(CarrierCharge, {
      id: request.reference,
      operationKey: request.operationKey,
      source,
      subscriber,
      merchantId: request.merchantId,
      currency: amount.currency,
      amount: amount.amount,
      status: verdict.approved ? 'requires_action' : 'declined',
      declineReason: verdict.approved ? null : verdict.reason,
      month: null,
      codeHash: verdict.approved ? this.#keyring.codeHash(`charge:${request.reference}`, code) : null,
      codeExpiresAt: verdict.approved ? codeExpiresAt : null,
    });
    try {
      await em.flush();
    } catch (error) {
      if (!(error instanceof UniqueConstraintViolationException)) throw error;
      const first = await em
        .fork()
        .findOneOrFail(CarrierCharge, { operationKey: request.operationKey }, { populate: ['subscriber'] });
      return this.#replay(first, request);
    }
    if (!verdict.approved) {
      return { status: 'declined', reason: verdict.reason, message: verdict.message, reference: charge.id };
    }
    await this.sendCode(
      em,
      {
        subscriber,
        purpose: 'payment',
        reference: charge.id,
        text: `[${CARRIER_NAMES[subscriber.carrier]} 소액결제] ${request.merchantName} ${won(amount.amount)} 결제 인증번호 [${code}]`,
      },
      code,
      codeExpiresAt,
    );
    return this.#outcomeOf(charge);
  }

  /** The code the customer typed: if right, the charge takes its share of the month's cap, atomically. */
  async confirm(em: EntityManager, request: FollowUpRequest, code: string): Promise<CarrierReply> {
    let lost = false;
    const outcome = await this.#followUp(em, 'confirm', request, async (charge, tx) => {
      if (charge.status !== 'requires_action') return null;
      lost = charge.subscriber.phoneIndex === (await this.#subscribers.indexOf(tx, SANDBOX_LOST_REPLY_PHONE));
      const expired = !charge.codeExpiresAt || charge.codeExpiresAt.getTime() <= Date.now();
      const matches =
        !expired &&
        !!charge.codeHash &&
        this.#keyring.codeMatches(`charge:${charge.id}`, code.trim(), charge.codeHash);
      charge.codeHash = null;
      charge.codeExpiresAt = null;
      if (!matches) {
        charge.status = 'declined';
        charge.declineReason = 'authentication_failed';
        return decline('authentication_failed', expired ? 'The code has expired' : 'The code is wrong');
      }
      const month = seoulMonth(new Date());
      if (!(await this.#reserve(tx, charge.subscriber.id, month, charge.amount))) {
        charge.status = 'declined';
        charge.declineReason = 'limit_exceeded';
        return decline(
          'limit_exceeded',
          `The monthly limit of ${won(this.#options.monthlyCap)} would be exceeded`,
        );
      }
      charge.status = 'authorized';
      charge.month = month;
      return { approved: true };
    });
    return { outcome, delivery: lost ? 'lost' : 'now' };
  }

  capture(em: EntityManager, request: FollowUpRequest): Promise<MethodOutcome> {
    return this.#followUp(em, 'capture', request, async (charge) => {
      const amount = request.amount.amount;
      if (charge.status !== 'authorized')
        return decline('do_not_honor', `Cannot capture a charge that is ${charge.status}`);
      if (amount <= 0n) return decline('do_not_honor', 'The capture amount must be positive');
      if (charge.captured + amount > charge.amount)
        return decline('do_not_honor', 'The capture exceeds what remains of the charge');
      charge.captured += amount;
      return { approved: true };
    });
  }

  /** Cancels what is not captured and gives it back to the month's cap. */
  void(em: EntityManager, request: FollowUpRequest): Promise<MethodOutcome> {
    return this.#followUp(em, 'void', request, async (charge, tx) => {
      if (charge.status === 'declined')
        return decline('do_not_honor', 'The charge was declined; nothing to void');
      if (charge.status === 'authorized')
        await this.#release(tx, charge.subscriber.id, charge.month!, charge.amount - charge.captured);
      charge.status = 'voided';
      charge.codeHash = null;
      charge.codeExpiresAt = null;
      return { approved: true };
    });
  }

  /** Refunds gives the amount back to the cap of the month the charge was made in. */
  refund(em: EntityManager, request: FollowUpRequest): Promise<MethodOutcome> {
    return this.#followUp(em, 'refund', request, async (charge, tx) => {
      const amount = request.amount.amount;
      if (amount <= 0n) return decline('do_not_honor', 'The refund amount must be positive');
      if (charge.refunded + amount > charge.captured)
        return decline('do_not_honor', 'The refund exceeds what was captured and not yet refunded');
      await this.#release(tx, charge.subscriber.id, charge.month!, amount);
      charge.refunded += amount;
      return { approved: true };
    });
  }

  /** What the carrier recorded for an operation, whether or not its reply ever arrived. */
  async status(
    em: EntityManager,
    query: { reference: string; operationKey: string; operation: MethodOperation },
  ): Promise<MethodOutcome> {
    return this.#withHint(em, await this.#network.status(em, query));
  }

  /**
   * Names the phone in a code's hint (`010-****-5678`). The number is sealed under its holder's
   * subject key on the source, which opens asynchronously: the synchronous outcome says "your
   * phone" and this fills in the mask, or leaves it so once the holder is erased.
   */
  async #withHint(em: EntityManager, outcome: MethodOutcome): Promise<MethodOutcome> {
    if (outcome.status !== 'action_required') return outcome;
    const charge = await em.findOne(CarrierCharge, { id: outcome.reference }, { populate: ['source'] });
    const phone = charge && (await this.#subscribers.phoneOf(em, 'CarrierBillingSource', charge.source));
    if (!phone) return outcome;
    return {
      ...outcome,
      action: { ...outcome.action, hint: `Enter the code sent to ${maskPhoneNumber(phone)}` },
    };
  }

  /**
   * Takes `amount` of the month's cap in one statement: the row lock that ON CONFLICT takes
   * makes concurrent reservations queue, and the WHERE re-checks the cap against the latest
   * committed total, so no interleaving can overshoot it.
   */
  async #reserve(tx: EntityManager, subscriberId: string, month: string, amount: bigint): Promise<boolean> {
    const cap = this.#options.monthlyCap;
    if (amount > cap) return false;
    const rows = await query<{ used: string }>(
      tx,
      `insert into "carrier_monthly_usage" as u ("subscriber_id", "month", "used", "updated_at")
       values (?, ?, ?, now())
       on conflict ("subscriber_id", "month") do update
         set "used" = u."used" + excluded."used", "updated_at" = excluded."updated_at"
         where u."used" + excluded."used" <= ?
       returning "used"`,
      [subscriberId, month, amount.toString(), cap.toString()],
    );
    return rows.length === 1;
  }

  async #release(tx: EntityManager, subscriberId: string, month: string, amount: bigint): Promise<void> {
    if (amount === 0n) return;
    const rows = await query<{ used: string }>(
      tx,
      `update "carrier_monthly_usage" set "used" = "used" - ?, "updated_at" = now()
       where "subscriber_id" = ? and "month" = ? and "used" >= ?
       returning "used"`,
      [amount.toString(), subscriberId, month, amount.toString()],
    );
    if (rows.length !== 1)
      throw new Error(`carrier usage of ${month} is smaller than a release it must cover`);
  }

  #replay(charge: CarrierCharge, request: ChargeRequest): MethodOutcome {
    const same =
      charge.source.id === request.source.id &&
      charge.amount === request.amount.amount &&
      charge.currency === request.amount.currency;
    return same
      ? this.#outcomeOf(charge)
      : {
          status: 'declined',
          reason: 'do_not_honor',
          message: 'The operation key was used for another request',
        };
  }

  /**
   * The keyring loads on a connection of its own, so before the transaction; in it the charge's
   * row lock is taken before the usage row's, always in that order.
   */
  async #followUp(
    em: EntityManager,
    kind: ChargeOperationKind,
    request: FollowUpRequest,
    decide: (charge: CarrierCharge, tx: EntityManager) => Promise<Verdict<ChargeDecline> | null>,
  ): Promise<MethodOutcome> {
    await this.#keyring.load();
    return this.#network.followUp(em, kind, request, decide);
  }

  #outcomeOf(charge: CarrierCharge): MethodOutcome {
    switch (charge.status) {
      case 'requires_action':
        return {
          status: 'action_required',
          reference: charge.id,
          action: {
            type: 'otp',
            hint: 'Enter the code sent to your phone',
            expiresAt: charge.codeExpiresAt ?? new Date(),
          },
        };
      case 'declined':
        return {
          status: 'declined',
          reason: charge.declineReason ?? 'do_not_honor',
          message: DECLINE_MESSAGES[charge.declineReason ?? 'do_not_honor'],
          reference: charge.id,
        };
      case 'authorized':
      case 'voided':
        return { status: 'approved', reference: charge.id };
    }
  }
}

const DECLINE_MESSAGES: Record<ChargeDecline, string> = {
  limit_exceeded: 'The monthly carrier billing limit would be exceeded',
  authentication_failed: 'The one-time code was wrong or expired',
  do_not_honor: 'The carrier declined the charge',
};
