import { LockMode, QueryOrder } from '@mikro-orm/core';
import {
  type AuthenticatedContext,
  type CustomerContext,
  type DataSubject,
  isUuid,
  Merchant,
  merchantFilter,
  NotFoundError,
  PROFILE_FIELDS,
  type ProfileField,
  type RequestContext,
  StepUpRequiredError,
  ValidationError,
} from '../../core/plugin-api.ts';
import { Customer } from '../payments/api.ts';
import { actorOf, recordChange } from './request-audit.ts';
import { extendedDeadline, termsFor } from './request-deadlines.ts';
import type { RequestChannel, SubjectRequestKind } from './request-kinds.ts';
import type { RequestProcessor } from './request-processor.ts';
import { next, OPEN_STATUSES, type RequestStatus } from './request-state-machine.ts';
import { SubjectRequest } from './subject-request.entity.ts';
import { FinancialRecordCorrectionRefused } from './subject-requests.errors.ts';

/** Who files and reads requests: the subject itself, its merchant, or an operator. */
export type RequestsContext = AuthenticatedContext;

/** The step-up action a subject verifies with (TOTP where it has a factor). */
export const VERIFY_ACTION = 'subject_request.verify';

/**
 * Fields of a financial record: a correction naming one is refused with a typed error, never
 * applied (payment law keeps them; a wrong payment is refunded or disputed).
 */
const FINANCIAL_FIELDS =
  /^(amount|currency|payment|paymentid|capturedamount|refundedamount|fee|balance|ledger|journal|settlement|payout)/i;

export interface FileInput {
  readonly kind: SubjectRequestKind;
  readonly channel: RequestChannel;
  /** The merchant's reference of the customer; a customer session leaves it out. */
  readonly customerRef?: string | null;
  /** An operator names the merchant. */
  readonly merchantId?: string | null;
  /** For a correction: the new value of each profile field. */
  readonly corrections?: readonly { field: string; value: string | null }[] | null;
  /** For an objection: the purposes objected to; none: every optional one. */
  readonly purposes?: readonly string[] | null;
}

/** What the request's input says, sealed under the subject's key. */
export interface RequestDetails {
  readonly corrections: Partial<Record<ProfileField, string | null>>;
  readonly purposes: readonly string[];
}

export const detailsBinding = (requestId: string) => `SubjectRequest.details:${requestId}`;

export interface ListFilter {
  readonly statuses?: readonly RequestStatus[] | null;
  readonly overdue?: boolean | null;
  readonly merchantId?: string | null;
  readonly limit: number;
  readonly offset: number;
}

/**
 * Filing, verifying, extending, refusing and reading requests. Deadlines come from the packs
 * that apply to the subject (request-deadlines.ts); processing is the processor's, which runs
 * right after verification and, for whatever a process could not finish, from the scheduled pass.
 */
export class SubjectRequestsService {
  readonly #processor: RequestProcessor;

  constructor(processor: RequestProcessor) {
    this.#processor = processor;
  }

  async file(ctx: RequestsContext, input: FileInput): Promise<SubjectRequest> {
    const subject = await this.#subject(ctx, input);
    const details = await validDetails(ctx, subject, input);
    const facts = subject.customerId
      ? await ctx.services.payments.customers.profileFacts(ctx, subject.customerId)
      : { countryOfResidence: null, merchantCountry: subject.merchantCountry };
    const packs = ctx.services.privacy.regulations.enforced(subject.merchantId, {
      jurisdiction: facts.countryOfResidence,
      merchantCountry: facts.merchantCountry,
    });
    const receivedAt = new Date();
    const terms = termsFor(packs, input.kind, receivedAt);
    const verification = terms.verification
      ? await this.#sessionVerification(ctx, subject.subjectId)
      : `not required (${terms.rule!.article})`;
    const request = await ctx.em.transactional(async (tx) => {
      const created = tx.create(SubjectRequest, {
        merchant: subject.merchantId,
        subjectId: subject.subjectId,
        customerId: subject.customerId,
        kind: input.kind,
        status: verification ? 'verified' : 'awaiting_verification',
        channel: input.channel,
        filedBy: actorOf(ctx.principal),
        receivedAt,
        law: terms.law,
        rule: terms.rule?.article ?? null,
        acknowledgeBy: terms.acknowledgeBy,
        // The filing's answer (and the `filed` event the merchant relays) confirms receipt.
        acknowledgedAt: terms.acknowledgeBy ? receivedAt : null,
        dueAt: terms.dueAt,
        verifiedAt: verification ? receivedAt : null,
        verification,
        detailsSealed: null,
        updatedAt: receivedAt,
      });
      if (details)
        created.detailsSealed = await ctx.services.privacy.keys.seal(
          tx,
          subject.subjectId,
          JSON.stringify(details),
          detailsBinding(created.id),
        );
      await recordChange(tx, ctx.services, created, {
        from: null,
        action: 'file',
        actor: actorOf(ctx.principal),
        note: verification ? `verified: ${verification}` : 'waits for the subject to verify in its session',
      });
      return created;
    });
    if (request.status === 'verified') await this.#processor.tryProcess(ctx.log, request.id);
    return this.#reload(ctx, request.id);
  }

  /** The subject, in its own session, verifies: with a fresh TOTP step-up where it has a factor. */
  async verify(ctx: CustomerContext, id: string): Promise<SubjectRequest> {
    const request = await this.get(ctx, id);
    const verification = await this.#sessionVerification(ctx, request.subjectId);
    // The field's stepUp scope has run: a session without a factor, or with a fresh grant, is here.
    if (!verification) throw new StepUpRequiredError({ action: VERIFY_ACTION, factors: [], enrolled: true });
    await ctx.em.transactional(async (tx) => {
      const locked = await tx.findOneOrFail(
        SubjectRequest,
        { id: request.id },
        { lockMode: LockMode.PESSIMISTIC_WRITE },
      );
      const from = locked.status;
      locked.status = next('verify', from);
      locked.verifiedAt = new Date();
      locked.verification = verification;
      await recordChange(tx, ctx.services, locked, { from, action: 'verify', actor: actorOf(ctx.principal) });
    });
    await this.#processor.tryProcess(ctx.log, request.id);
    return this.#reload(ctx, request.id);
  }

  /** Extends the deadline once, as the law allows, with the reason the subject is told. */
  async extend(ctx: RequestsContext, id: string, reason: string): Promise<SubjectRequest> {
    const why = reason.trim();
    if (why.length < 10 || why.length > 2000)
      throw new ValidationError('reason', 'the reason the subject is told, 10 to 2000 characters');
    const request = await this.get(ctx, id);
    const rule = this.#ruleOf(ctx, request);
    await ctx.em.transactional(async (tx) => {
      const locked = await tx.findOneOrFail(
        SubjectRequest,
        { id: request.id },
        { lockMode: LockMode.PESSIMISTIC_WRITE },
      );
      if (!OPEN_STATUSES.includes(locked.status)) next('cancel', locked.status); // throws the typed refusal
      const now = new Date();
      locked.dueAt = extendedDeadline(
        rule,
        { receivedAt: locked.receivedAt, dueAt: locked.dueAt ?? null, extendedAt: locked.extendedAt ?? null },
        now,
      );
      locked.extendedAt = now;
      locked.extensionReason = why;
      locked.overdueAt = null;
      await recordChange(tx, ctx.services, locked, {
        from: locked.status,
        action: 'extend',
        actor: actorOf(ctx.principal),
        note: `due ${locked.dueAt.toISOString()}: ${why}`,
      });
    });
    return this.#reload(ctx, request.id);
  }

  /** Refuses the request (manifestly unfounded, excessive, or the identity could not be verified). */
  async refuse(ctx: RequestsContext, id: string, reason: string): Promise<SubjectRequest> {
    const why = reason.trim();
    if (why.length < 10 || why.length > 2000)
      throw new ValidationError('reason', 'the reason the subject is told, 10 to 2000 characters');
    return this.#move(ctx, id, 'refuse', why);
  }

  cancel(ctx: RequestsContext, id: string): Promise<SubjectRequest> {
    return this.#move(ctx, id, 'cancel', null);
  }

  /** One request this caller may see: its own (a customer), its merchant's, or any (an operator). */
  async get(ctx: RequestsContext, id: string): Promise<SubjectRequest> {
    const request = isUuid(id)
      ? await ctx.em.findOne(SubjectRequest, { id, ...merchantFilter(ctx.principal) })
      : null;
    if (!request || (ctx.principal.kind === 'customer' && request.subjectId !== ctx.principal.subjectId))
      throw new NotFoundError('SubjectRequest', id);
    return request;
  }

  /** Requests by due date, the most urgent first (those without a legal deadline last). */
  list(ctx: RequestsContext, filter: ListFilter): Promise<SubjectRequest[]> {
    const where: Record<string, unknown> = { ...merchantFilter(ctx.principal) };
    if (ctx.principal.kind === 'customer') where.subjectId = ctx.principal.subjectId;
    if (filter.merchantId) {
      if (ctx.principal.kind !== 'operator')
        throw new ValidationError('merchantId', 'only an operator names the merchant');
      where.merchant = filter.merchantId;
    }
    if (filter.statuses?.length) where.status = { $in: filter.statuses };
    if (filter.overdue === true) {
      where.status = { $in: (filter.statuses ?? OPEN_STATUSES).filter((s) => OPEN_STATUSES.includes(s)) };
      where.dueAt = { $lt: new Date() };
    }
    return ctx.em.find(SubjectRequest, where, {
      orderBy: [{ dueAt: QueryOrder.ASC_NULLS_LAST }, { receivedAt: 'asc' }, { id: 'asc' }],
      limit: filter.limit,
      offset: filter.offset,
    });
  }

  /** The request's own input, opened; null once the subject's key is shredded. */
  async details(ctx: RequestContext, request: SubjectRequest): Promise<RequestDetails | null> {
    if (!request.detailsSealed) return null;
    const opened = await ctx.services.privacy.keys.open(
      ctx.em,
      request.detailsSealed,
      detailsBinding(request.id),
    );
    return opened === null ? null : (JSON.parse(opened) as RequestDetails);
  }

  async #move(
    ctx: RequestsContext,
    id: string,
    action: 'refuse' | 'cancel',
    reason: string | null,
  ): Promise<SubjectRequest> {
    const request = await this.get(ctx, id);
    await ctx.em.transactional(async (tx) => {
      const locked = await tx.findOneOrFail(
        SubjectRequest,
        { id: request.id },
        { lockMode: LockMode.PESSIMISTIC_WRITE },
      );
      const from = locked.status;
      locked.status = next(action, from);
      if (reason) locked.refusalReason = reason;
      await recordChange(tx, ctx.services, locked, {
        from,
        action,
        actor: actorOf(ctx.principal),
        note: reason,
      });
    });
    return this.#reload(ctx, request.id);
  }

  #reload(ctx: RequestContext, id: string): Promise<SubjectRequest> {
    return ctx.em.fork().findOneOrFail(SubjectRequest, { id });
  }

  #ruleOf(ctx: RequestContext, request: SubjectRequest) {
    const pack = ctx.services.privacy.regulations.installed().find((p) => p.name === request.law);
    return pack?.rules.requests.find((r) => r.article === request.rule) ?? null;
  }

  /**
   * How the subject proved who it is, or null when it has not: its own session, with a fresh
   * step-up where it has a factor (core/auth/step-up.ts decides). A merchant or an operator
   * filing on its behalf never verifies for it: the subject does, in its session.
   */
  async #sessionVerification(ctx: RequestsContext, subjectId: string): Promise<string | null> {
    if (ctx.principal.kind !== 'customer' || ctx.principal.subjectId !== subjectId) return null;
    try {
      await ctx.services.stepUp.require(ctx, VERIFY_ACTION);
    } catch (error) {
      if (error instanceof StepUpRequiredError) return null;
      throw error;
    }
    const grant = await ctx.services.stepUp.currentGrant(ctx);
    return grant
      ? `customer session + ${grant.factor} step-up`
      : 'customer session (no second factor enrolled)';
  }

  async #subject(ctx: RequestsContext, input: FileInput) {
    const { principal } = ctx;
    let merchantId: string;
    let customerRef: string;
    if (principal.kind === 'customer') {
      if (input.customerRef != null && input.customerRef !== principal.customerRef)
        throw new ValidationError('customerRef', 'a customer session acts for itself: leave customerRef out');
      merchantId = principal.merchantId;
      customerRef = principal.customerRef;
    } else {
      customerRef = (input.customerRef ?? '').trim();
      if (customerRef.length === 0 || customerRef.length > 200)
        throw new ValidationError('customerRef', 'name the customer (customerRef, 1 to 200 characters)');
      if (principal.kind === 'operator') {
        if (!input.merchantId || !isUuid(input.merchantId))
          throw new ValidationError('merchantId', 'an operator names the merchant whose customer asks');
        merchantId = input.merchantId;
      } else if (principal.kind === 'merchant') {
        if (input.merchantId && input.merchantId !== principal.merchantId)
          throw new ValidationError('merchantId', 'a merchant files for its own customers only');
        merchantId = principal.merchantId;
      } else {
        throw new ValidationError('customerRef', 'a partner cannot file a subject request');
      }
    }
    const merchant = await ctx.em.findOne(Merchant, { id: merchantId }, { fields: ['country'] });
    const subjectId = merchant
      ? await ctx.services.privacy.keys.findSubjectId(ctx.em, { merchantId, customerRef })
      : null;
    if (!merchant || !subjectId) throw new NotFoundError('Customer', customerRef);
    const customer = await ctx.em.findOne(
      Customer,
      { merchant: merchantId, subject: subjectId },
      { fields: ['id'] },
    );
    return {
      merchantId,
      customerRef,
      subjectId,
      customerId: customer?.id ?? null,
      merchantCountry: merchant.country ?? null,
    };
  }
}

async function validDetails(
  ctx: RequestContext,
  subject: DataSubject,
  input: FileInput,
): Promise<RequestDetails | null> {
  if (input.kind === 'correction') {
    const corrections: Partial<Record<ProfileField, string | null>> = {};
    const given = input.corrections ?? [];
    if (given.length === 0)
      throw new ValidationError('corrections', 'name each profile field to correct and its right value');
    for (const { field, value } of given) {
      if (FINANCIAL_FIELDS.test(field)) throw new FinancialRecordCorrectionRefused(field);
      if (!(PROFILE_FIELDS as readonly string[]).includes(field))
        throw new ValidationError(
          'corrections',
          `"${field}" is not a profile field (${PROFILE_FIELDS.join(', ')})`,
        );
      if (field in corrections) throw new ValidationError('corrections', `"${field}" is corrected twice`);
      corrections[field as ProfileField] = value;
    }
    const set = Object.entries(corrections)
      .filter(([, v]) => v != null)
      .map(([f]) => f as ProfileField);
    // Minimization holds for corrections too: a value no enabled purpose needs, or one only a
    // consent-based purpose needs that the subject has not granted, is not stored.
    await ctx.services.privacy.purposes.assertCollectable(subject.merchantId, set, (purpose) =>
      ctx.services.consent.allows(ctx, subject, purpose),
    );
    return { corrections, purposes: [] };
  }
  if (input.corrections?.length)
    throw new ValidationError('corrections', 'only a correction carries corrections');
  if (input.kind === 'objection') {
    const purposes = [...new Set((input.purposes ?? []).map((p) => p.trim()))];
    if (purposes.some((p) => p.length === 0 || p.length > 100))
      throw new ValidationError('purposes', 'purposes are 1 to 100 characters');
    return { corrections: {}, purposes };
  }
  if (input.purposes?.length) throw new ValidationError('purposes', 'only an objection names purposes');
  return null;
}
