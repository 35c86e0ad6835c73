import { randomUUID } from 'node:crypto';
import {
  type CustomerContext,
  isUuid,
  type MerchantContext,
  NotFoundError,
  type OperatorContext,
  type PrincipalOf,
  query,
  type RequestContext,
  type SubjectKeys,
  ValidationError,
} from '../../core/plugin-api.ts';
import { CarrierBillingSource } from './billing-source.entity.ts';
import { CarrierVerificationError } from './carrier-billing.errors.ts';
import type { CarrierBillingMethod } from './carrier-billing.method.ts';
import type { CarrierKeyring } from './carrier-keyring.ts';
import { CARRIER_NAMES, type Carrier, maskPhoneNumber, normalizePhoneNumber } from './phone-number.ts';
import { generateCode, type MonthlyUsage, type SandboxCarrier } from './sandbox-carrier.ts';
import type { CarrierSandboxMessage } from './sandbox-message.entity.ts';
import type { CarrierSubscriber } from './subscriber.entity.ts';
import type { SubscriberDirectory } from './subscriber-directory.ts';
import { CarrierVerification } from './verification.entity.ts';

export const MAX_CODE_ATTEMPTS = 5;
/** Codes a phone may be sent within `CODE_WINDOW_MS`: SMS pumping costs real money on a real carrier. */
const MAX_CODES_PER_WINDOW = 5;
const CODE_WINDOW_MS = 10 * 60_000;

export interface SandboxInboxItem {
  message: CarrierSandboxMessage;
  text: string;
  code: string;
}

/** Verifies phone subscriptions (the sources carrier-billing payments charge) and reads the sandbox. */
export class CarrierBillingService {
  readonly method: CarrierBillingMethod;
  readonly #carrier: SandboxCarrier;
  readonly #subscribers: SubscriberDirectory;
  readonly #keyring: CarrierKeyring;
  readonly #codeTtlMs: number;
  readonly #keys: SubjectKeys;

  constructor(deps: {
    method: CarrierBillingMethod;
    carrier: SandboxCarrier;
    subscribers: SubscriberDirectory;
    keyring: CarrierKeyring;
    codeTtlMs: number;
    keys: SubjectKeys;
  }) {
    this.#keys = deps.keys;
    this.method = deps.method;
    this.#carrier = deps.carrier;
    this.#subscribers = deps.subscribers;
    this.#keyring = deps.keyring;
    this.#codeTtlMs = deps.codeTtlMs;
  }

  /**
   * Texts a one-time code to the phone; confirming it proves the caller holds the phone. The
   * number is the holder's personal data, sealed under their subject key: a customer session is
   * its own subject, a merchant's backend names the customer (`customerRef`).
   */
  async startVerification(
    ctx: MerchantContext | CustomerContext,
    input: { phoneNumber: string; carrier: Carrier; customerRef?: string | null },
  ): Promise<CarrierVerification> {
    const owner = ownerOf(ctx.principal);
    const phone = normalizePhoneNumber(input.phoneNumber);
    const subjectId = await this.#holder(ctx, input.customerRef);
    const subscriber = await this.#subscribers.enrol(ctx.em, phone, input.carrier);
    const recent = await ctx.em.count(CarrierVerification, {
      subscriber,
      createdAt: { $gt: new Date(Date.now() - CODE_WINDOW_MS) },
    });
    if (recent >= MAX_CODES_PER_WINDOW) throw new CarrierVerificationError('too_many_codes');
    const code = generateCode();
    const verificationId = randomUUID();
    const verification = ctx.em.create(CarrierVerification, {
      id: verificationId,
      subscriber,
      merchant: owner.merchantId,
      subject: subjectId,
      phoneSealed: await this.#subscribers.seal(
        ctx.em,
        subjectId,
        phone,
        'CarrierVerification',
        verificationId,
      ),
      codeHash: this.#keyring.codeHash(`verification:${verificationId}`, code),
      expiresAt: new Date(Date.now() + this.#codeTtlMs),
      verifiedAt: null,
    });
    await ctx.em.flush();
    await this.#carrier.sendCode(
      ctx.em,
      {
        subscriber,
        purpose: 'verification',
        reference: verification.id,
        text: `[${CARRIER_NAMES[input.carrier]}] 휴대폰 소액결제 본인확인 인증번호 [${code}]`,
      },
      code,
      verification.expiresAt,
    );
    ctx.log.info({ verificationId: verification.id, carrier: input.carrier }, 'carrier verification started');
    return verification;
  }

  /** The code from the phone: a right one yields the source to pay with. */
  async confirmVerification(
    ctx: MerchantContext | CustomerContext,
    id: string,
    code: string,
  ): Promise<CarrierBillingSource> {
    const owner = ownerOf(ctx.principal);
    await this.#keyring.load();
    const verification = !isUuid(id)
      ? null
      : await ctx.em.findOne(
          CarrierVerification,
          {
            id,
            merchant: owner.merchantId,
            ...(owner.subjectId ? { subject: owner.subjectId } : {}),
          },
          { populate: ['subscriber'] },
        );
    if (!verification) throw new NotFoundError('CarrierVerification', id);
    if (verification.verifiedAt) throw new CarrierVerificationError('already_used');
    if (verification.expiresAt.getTime() <= Date.now()) throw new CarrierVerificationError('expired');
    // The attempt is counted before the code is compared, so parallel guesses cannot exceed the limit.
    const [counted] = await query<{ attempts: number }>(
      ctx.em,
      `update "carrier_verification" set "attempts" = "attempts" + 1
       where "id" = ? and "attempts" < ? and "verified_at" is null returning "attempts"`,
      [id, MAX_CODE_ATTEMPTS],
    );
    if (!counted) throw new CarrierVerificationError('too_many_attempts');
    if (!this.#keyring.codeMatches(`verification:${id}`, code.trim(), verification.codeHash)) {
      throw new CarrierVerificationError('wrong_code', MAX_CODE_ATTEMPTS - counted.attempts);
    }
    return ctx.em.transactional(async (tx) => {
      const [claimed] = await query(
        tx,
        `update "carrier_verification" set "verified_at" = now() where "id" = ? and "verified_at" is null returning "id"`,
        [id],
      );
      if (!claimed) throw new CarrierVerificationError('already_used');
      const sourceId = randomUUID();
      const phone = await this.#subscribers.phoneOf(tx, 'CarrierVerification', verification);
      // The holder was erased while the code was in flight: nothing of theirs is stored again.
      if (!verification.subject || phone === null) throw new NotFoundError('CarrierVerification', id);
      const source = tx.create(CarrierBillingSource, {
        id: sourceId,
        subscriber: verification.subscriber,
        merchant: owner.merchantId,
        subject: verification.subject,
        phoneSealed: await this.#subscribers.seal(
          tx,
          verification.subject.id,
          phone,
          'CarrierBillingSource',
          sourceId,
        ),
        carrier: verification.subscriber.carrier,
      });
      await tx.flush();
      ctx.log.info({ verificationId: id, sourceId: source.id }, 'carrier verification confirmed');
      return source;
    });
  }

  async getSource(
    ctx: OperatorContext | MerchantContext | CustomerContext,
    id: string,
  ): Promise<CarrierBillingSource> {
    const owner = ctx.principal.kind === 'operator' ? null : ownerOf(ctx.principal);
    const source = isUuid(id)
      ? await ctx.em.findOne(
          CarrierBillingSource,
          {
            id,
            ...(owner ? { merchant: owner.merchantId } : {}),
            ...(owner?.subjectId ? { subject: owner.subjectId } : {}),
          },
          { populate: ['subscriber'] },
        )
      : null;
    if (!source) throw new NotFoundError('CarrierBillingSource', id);
    return source;
  }

  /** `010-****-5678`, opened from the row; null once its holder is erased. */
  async maskedPhoneNumber(
    ctx: RequestContext,
    row: CarrierVerification | CarrierBillingSource,
  ): Promise<string | null> {
    const entity = row instanceof CarrierVerification ? 'CarrierVerification' : 'CarrierBillingSource';
    const phone = await this.#subscribers.phoneOf(ctx.em, entity, row);
    return phone === null ? null : maskPhoneNumber(phone);
  }

  /** Whose phone this is: the session's own subject, or the customer a merchant's backend names. */
  async #holder(
    ctx: MerchantContext | CustomerContext,
    customerRef: string | null | undefined,
  ): Promise<string> {
    const ref = customerRef?.trim();
    if (ctx.principal.kind === 'customer') {
      if (ref)
        throw new ValidationError(
          'customerRef',
          'a customer session verifies its own phone: omit customerRef',
        );
      return ctx.principal.subjectId;
    }
    if (!ref || ref.length > 200) {
      throw new ValidationError(
        'customerRef',
        'a merchant key names the customer whose phone this is (1 to 200 characters)',
      );
    }
    return this.#keys.subjectId(ctx.em, { merchantId: ctx.principal.merchantId, customerRef: ref });
  }

  monthlyUsage(ctx: RequestContext, subscriber: CarrierSubscriber): Promise<MonthlyUsage> {
    return this.#carrier.usage(ctx.em, subscriber.id, new Date());
  }

  /** The sandbox phone's inbox, for operators developing against the simulated carrier. */
  /** Operators read every text of a line; a merchant only those for its own verifications and charges. */
  async sandboxInbox(
    ctx: OperatorContext | MerchantContext,
    phoneNumber: string,
    limit: number,
  ): Promise<SandboxInboxItem[]> {
    const subscriber = await this.#subscribers.find(ctx.em, normalizePhoneNumber(phoneNumber));
    const merchantId = ctx.principal.kind === 'merchant' ? ctx.principal.merchantId : undefined;
    return subscriber
      ? this.#carrier.inbox(ctx.em, subscriber, Math.min(Math.max(limit, 1), 100), merchantId)
      : [];
  }
}

/** Whose verifications and sources these are: a merchant's own, or one end user's of it. */
function ownerOf(principal: PrincipalOf<'merchant' | 'customer'>): {
  merchantId: string;
  subjectId: string | null;
} {
  return {
    merchantId: principal.merchantId,
    subjectId: principal.kind === 'customer' ? principal.subjectId : null,
  };
}
