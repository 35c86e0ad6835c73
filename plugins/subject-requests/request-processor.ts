import { randomUUID } from 'node:crypto';
import { type EntityManager, LockMode } from '@mikro-orm/core';
import {
  type DataSubject,
  GatewayError,
  type GatewayServices,
  type Logger,
  type MerchantContext,
  type MikroORM,
  type PluginErasure,
  query,
} from '../../core/plugin-api.ts';
import { recordChange } from './request-audit.ts';
import { next } from './request-state-machine.ts';
import { type RequestAnswer, SubjectRequest } from './subject-request.entity.ts';
import { SUBJECT_ERASED } from './subject-request-event-types.ts';
import { detailsBinding, type RequestDetails } from './subject-requests.service.ts';

const ACTOR = 'subject-requests';

/**
 * Carries out verified requests. Two steps, each its own transaction: the claim (`verified` to
 * `processing`, with `claimed_until`), then the work and the answer (`completed`) together. A
 * process killed between them, or during the work, leaves the request `processing` with its
 * claim running out; the scheduled pass then resumes it. The work of each kind is safe to do
 * again: an erasure is one transaction (`services.privacy.eraseSubject`), idempotent, committed
 * with the answer, so a subject is never half erased and a request never half answered.
 */
export class RequestProcessor {
  readonly #runtime: { orm: MikroORM; log: Logger; services: GatewayServices };
  readonly #claimSeconds: number;

  constructor(runtime: { orm: MikroORM; log: Logger; services: GatewayServices }, claimSeconds: number) {
    this.#runtime = runtime;
    this.#claimSeconds = claimSeconds;
  }

  /** Processes now if it can; whatever fails is left, durable, to the scheduled pass. */
  async tryProcess(log: Logger, id: string): Promise<void> {
    try {
      await this.process(id);
    } catch (error) {
      log.error({ err: error, requestId: id }, 'subject request left for the scheduled pass');
    }
  }

  /** Claims and carries out one request; false when another process holds it or nothing is due. */
  async process(id: string): Promise<boolean> {
    if (!(await this.#claim(id))) return false;
    const em = this.#runtime.orm.em.fork();
    try {
      const answer = await em.transactional(async (tx) => {
        const request = await tx.findOneOrFail(
          SubjectRequest,
          { id },
          { lockMode: LockMode.PESSIMISTIC_WRITE },
        );
        if (request.status !== 'processing') return null;
        const answer = await this.#carryOut(tx, request);
        const from = request.status;
        request.status = next('complete', from);
        request.completedAt = new Date();
        request.claimedUntil = null;
        request.answer = answer;
        await recordChange(tx, this.#runtime.services, request, { from, action: 'complete', actor: ACTOR });
        return answer;
      });
      // The export row was inserted in the transaction above: the builder's own pass may have
      // run before the commit and missed it, so it is told again now that it can see it.
      if (answer?.exportId) this.#runtime.services.portability.wake();
    } catch (error) {
      // A client's mistake (a correction a payments check refuses...) will not pass on a retry:
      // the request is refused with the reason, which the subject is told.
      if (!(error instanceof GatewayError)) throw error;
      await this.#refuse(id, error.message);
    }
    return true;
  }

  /** Ids of requests a pass should pick up: verified ones, and claims that ran out (a process died). */
  async due(em: EntityManager, limit: number): Promise<string[]> {
    const rows = await query<{ id: string }>(
      em,
      `select id from subject_request
        where status = 'verified' or (status = 'processing' and claimed_until <= now())
        order by received_at limit ?`,
      [limit],
    );
    return rows.map((r) => r.id);
  }

  async #claim(id: string): Promise<boolean> {
    const em = this.#runtime.orm.em.fork();
    return em.transactional(async (tx) => {
      const [row] = await query<{ status: string }>(
        tx,
        `select status from subject_request where id = ?
           and (status = 'verified' or (status = 'processing' and claimed_until <= now()))
         for update skip locked`,
        [id],
      );
      if (!row) return false;
      const request = await tx.findOneOrFail(SubjectRequest, { id });
      const from = request.status;
      request.status = next('claim', from);
      request.claimedUntil = new Date(Date.now() + this.#claimSeconds * 1000);
      await recordChange(tx, this.#runtime.services, request, {
        from,
        action: from === 'processing' ? 'resume' : 'claim',
        actor: ACTOR,
      });
      return true;
    });
  }

  async #refuse(id: string, reason: string): Promise<void> {
    await this.#runtime.orm.em.fork().transactional(async (tx) => {
      const request = await tx.findOneOrFail(
        SubjectRequest,
        { id },
        { lockMode: LockMode.PESSIMISTIC_WRITE },
      );
      if (request.status !== 'processing') return;
      const from = request.status;
      request.status = next('giveUp', from);
      request.refusalReason = reason;
      request.claimedUntil = null;
      await recordChange(tx, this.#runtime.services, request, {
        from,
        action: 'refuse',
        actor: ACTOR,
        note: reason,
      });
    });
  }

  async #carryOut(tx: EntityManager, request: SubjectRequest): Promise<RequestAnswer> {
    const { services } = this.#runtime;
    const ctx = this.#context(tx, request.merchant.id);
    const customerRef = await services.privacy.keys.customerRef(tx, request.subjectId);
    if (customerRef === null) {
      // Erased before: an erasure answers what that erasure did (its stored answer), anything else
      // has nothing left to act on.
      const earlier =
        request.kind === 'erasure' ? await services.privacy.erasureOf(tx, request.subjectId) : null;
      const note = 'the subject’s personal data was already erased';
      return earlier ? { ...erasureAnswer(earlier), note } : { done: [], kept: [], exportId: null, note };
    }
    const subject: DataSubject = { merchantId: request.merchant.id, customerRef };
    const collectionPoint = `subject request ${request.id}`;
    switch (request.kind) {
      case 'erasure': {
        const erasures = await services.privacy.eraseSubject(tx, subject);
        await services.events.publish(tx, {
          type: SUBJECT_ERASED,
          merchantId: request.merchant.id,
          payload: {
            requestId: request.id,
            subjectId: request.subjectId,
            customerId: request.customerId ?? null,
            plugins: erasures.filter((e) => e.erased.length + e.kept.length > 0).map((e) => e.plugin),
          },
        });
        return erasureAnswer(erasures);
      }
      case 'correction': {
        const details = await this.#details(tx, request);
        const fields = Object.keys(details.corrections);
        if (!request.customerId)
          throw new GatewayError('NO_PROFILE', 'the merchant keeps no profile for this customer');
        await services.payments.customers.setProfile(ctx, request.customerId, details.corrections);
        return { done: fields.map((f) => `corrected: ${f}`), kept: [], exportId: null, note: null };
      }
      case 'restriction':
      case 'objection':
      case 'opt_out_of_sale': {
        const details = request.kind === 'objection' ? await this.#details(tx, request) : null;
        const which =
          request.kind === 'restriction'
            ? ('optional' as const)
            : request.kind === 'opt_out_of_sale'
              ? ('sale-or-sharing' as const)
              : details!.purposes.length > 0
                ? details!.purposes
                : ('optional' as const);
        const receipts = await services.consent.refuseForRequest(ctx, {
          customerRef,
          which,
          collectionPoint,
        });
        const refused = [...new Set(receipts.flatMap((r) => r.receipt.decisions.map((d) => d.purpose)))];
        return {
          done: [
            ...refused.map((p) => `refused: ${p}`),
            ...receipts.map((r) => `consent receipt: ${r.receipt.id}`),
          ],
          kept: KEPT[request.kind],
          exportId: null,
          note: refused.length === 0 ? 'no optional purpose was in use' : null,
        };
      }
      case 'access':
      case 'portability': {
        const made = await services.portability.createExport(ctx, subject, {
          kind: request.kind,
          requestId: request.id,
        });
        return { done: [`export: ${made.id}`], kept: [], exportId: made.id, note: null };
      }
    }
  }

  async #details(tx: EntityManager, request: SubjectRequest): Promise<RequestDetails> {
    const opened = request.detailsSealed
      ? await this.#runtime.services.privacy.keys.open(tx, request.detailsSealed, detailsBinding(request.id))
      : null;
    if (opened === null)
      throw new GatewayError('DETAILS_ERASED', 'the request’s details are no longer readable');
    return JSON.parse(opened) as RequestDetails;
  }

  /** The merchant's context, on the work's transaction: what the subject asked, the controller does. */
  #context(em: EntityManager, merchantId: string): MerchantContext {
    const requestId = `subject-request-${randomUUID()}`;
    return {
      requestId,
      principal: { kind: 'merchant', merchantId, keyId: ACTOR },
      em,
      log: this.#runtime.log.child({ requestId }),
      services: this.#runtime.services,
      headers: new Headers(),
    };
  }
}

/** What a restriction, an objection or an opt-out leaves in place, and why. */
const KEPT: Record<'restriction' | 'objection' | 'opt_out_of_sale', RequestAnswer['kept']> = {
  restriction: [
    {
      what: 'personal data, stored and exportable, used for no optional purpose',
      rule: 'GDPR Art. 18(2); PIPA Art. 37(1)',
      until: null,
    },
    {
      what: 'processing needed for the contract, legal obligations and fraud prevention',
      rule: 'GDPR Art. 18(2) (legal claims, another person’s rights); Art. 6(1)(b), (c)',
      until: null,
    },
  ],
  objection: [
    {
      what: 'fraud prevention and payment-law records',
      rule: 'GDPR Art. 21(1): compelling legitimate grounds; Art. 17(3)(b)',
      until: null,
    },
  ],
  opt_out_of_sale: [],
};

/** What an erasure tells the subject: each plugin's erased items, and what it kept, under which rule, until when. */
function erasureAnswer(erasures: readonly PluginErasure[]): RequestAnswer {
  return {
    done: erasures.flatMap((e) => e.erased.map((what) => `erased (${e.plugin}): ${what}`)),
    kept: erasures.flatMap((e) =>
      e.kept.map((k) => ({
        what: `${e.plugin}: ${k.what}`,
        rule: k.rule,
        until: k.until?.toISOString() ?? null,
      })),
    ),
    exportId: null,
    note: null,
  };
}
