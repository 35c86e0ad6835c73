import type { EntityManager } from '@mikro-orm/core';
import {
  type CustomerContext,
  canSeeMerchant,
  childRulesFor,
  type DataSubject,
  type GatewayServices,
  type MerchantContext,
  type RequestContext,
  ValidationError,
} from '../../core/plugin-api.ts';
import { ageOn } from './age.ts';
import { GuardianConsentRequired, MinorOptInRequired } from './consent.errors.ts';
import type { ConsentCache } from './consent-cache.ts';
import type { ConsentNotice } from './consent-notice.entity.ts';
import { ConsentReceipt } from './consent-receipt.entity.ts';
import {
  allowedPurposes,
  type ConsentMethod,
  consentState,
  gpcTargets,
  type PurposeState,
  type ReceiptDecision,
} from './consent-state.ts';
import { appliesTo, type NoticeService } from './notice.service.ts';
import {
  appendReceipt,
  type GuardianIdentity,
  personalBinding,
  type ReceiptPersonal,
} from './receipt-writer.ts';
import type { SubjectFacts, SubjectFactsReader } from './subject-facts.ts';

/** The principals that act on consent: a customer for itself, a merchant for one of its customers. */
export type ConsentContext = MerchantContext | CustomerContext;

export interface DecisionInput {
  customerRef?: string | null;
  noticeId: string;
  decisions: readonly { purpose: string; granted: boolean }[];
  collectionPoint: string;
}

export interface GuardianInput extends DecisionInput {
  customerRef: string;
  guardian: GuardianIdentity;
  verification: string;
}

/** A receipt as its subject or merchant reads it: the sealed part opened. */
export interface ReceiptView {
  readonly receipt: ConsentReceipt;
  /** Null once the subject's key is shredded. */
  readonly personal: ReceiptPersonal | null;
}

interface Subject extends DataSubject {
  readonly facts: SubjectFacts;
}

/**
 * Consent decisions and the one question every plugin asks (`allows`). Every decision is a new
 * receipt (receipt-writer.ts); state is derived from receipts (consent-state.ts). A request that
 * carries `Sec-GPC: 1` for a subject under the CPRA first records the opt-out of sale and sharing.
 */
export class ConsentService {
  readonly #services: GatewayServices;
  readonly #cache: ConsentCache;
  readonly #facts: SubjectFactsReader;
  readonly notices: NoticeService;

  constructor(
    services: GatewayServices,
    cache: ConsentCache,
    facts: SubjectFactsReader,
    notices: NoticeService,
  ) {
    this.#services = services;
    this.#cache = cache;
    this.#facts = facts;
    this.notices = notices;
  }

  /** Whether the subject allows `purpose` now: answered from this process's cache. */
  allows(ctx: RequestContext, subject: DataSubject, purpose: string): Promise<boolean> {
    if (!canSeeMerchant(ctx.principal, subject.merchantId)) return Promise.resolve(false);
    return this.#cache.allows(ctx.em, subject, purpose);
  }

  /** Loads what the subject allows for the cache: the fold of its receipts. */
  async loadAllowed(em: EntityManager, subject: DataSubject) {
    const subjectId = await this.#services.privacy.keys.findSubjectId(em, subject);
    if (!subjectId) return { subjectId, allowed: new Set<string>() };
    return { subjectId, allowed: allowedPurposes(await this.#stateOf(em, subjectId)) };
  }

  /** The subject's own decision (customer: `explicit`), or the merchant's on its behalf (`api`). */
  async decide(ctx: ConsentContext, input: DecisionInput): Promise<ReceiptView> {
    const subject = await this.#subject(ctx, input.customerRef);
    const collectionPoint = collectionPointOf(input.collectionPoint);
    const notice = await this.#currentNotice(ctx, subject, input.noticeId);
    const decisions = decisionsFor(notice, input.decisions);
    const method = ctx.principal.kind === 'customer' ? 'explicit' : 'api';
    this.#checkAge(subject, decisions, method);
    // After every check: a refused request records nothing, the signal included.
    await this.#honourGpc(ctx, subject, { notice, purposes: sellsOrSharesGranted(decisions) });
    const receipt = await this.#record(ctx, subject, notice, decisions, {
      method,
      collectionPoint,
      guardian: null,
      guardianVerification: null,
    });
    await this.#dropWithheld(ctx, subject, refusedIn(decisions));
    return receipt;
  }

  /** A guardian's decision for a minor, with who the guardian is and how the merchant verified it. */
  async decideAsGuardian(ctx: MerchantContext, input: GuardianInput): Promise<ReceiptView> {
    const subject = await this.#subject(ctx, input.customerRef);
    const collectionPoint = collectionPointOf(input.collectionPoint);
    const notice = await this.#currentNotice(ctx, subject, input.noticeId);
    const decisions = decisionsFor(notice, input.decisions);
    const guardian = {
      name: input.guardian.name.trim(),
      relationship: input.guardian.relationship.trim(),
      contact: input.guardian.contact?.trim() || null,
    };
    if (!guardian.name || guardian.name.length > 200)
      throw new ValidationError('guardian.name', 'the guardian’s name, 1 to 200 characters');
    if (!guardian.relationship || guardian.relationship.length > 100)
      throw new ValidationError(
        'guardian.relationship',
        'how the guardian is related (parent, legal representative...)',
      );
    // A pack switched off for the merchant refuses here too: no rules, no consent recorded under them.
    this.#services.privacy.regulations.enforced(subject.merchantId, subject.facts);
    await this.#honourGpc(ctx, subject, { notice, purposes: sellsOrSharesGranted(decisions) });
    const receipt = await this.#record(ctx, subject, notice, decisions, {
      method: 'guardian',
      collectionPoint,
      guardian,
      guardianVerification: input.verification,
    });
    await this.#dropWithheld(ctx, subject, refusedIn(decisions));
    return receipt;
  }

  /**
   * Withdraws the named purposes (all granted ones when none are named): one call, as easy as
   * granting (GDPR Art. 7(3)). One receipt per notice the purposes were granted under.
   */
  async withdraw(
    ctx: ConsentContext,
    input: { customerRef?: string | null; purposes: readonly string[]; collectionPoint: string },
  ): Promise<ReceiptView[]> {
    const subject = await this.#subject(ctx, input.customerRef);
    const collectionPoint = collectionPointOf(input.collectionPoint);
    await this.#honourGpc(ctx, subject);
    const subjectId = await this.#services.privacy.keys.findSubjectId(ctx.em, subject);
    if (!subjectId) return [];
    const state = await this.#stateOf(ctx.em, subjectId);
    const named = new Set(input.purposes);
    const targets = [...state.values()]
      .filter((s) => s.granted && (named.size === 0 || named.has(s.purpose)))
      .map((s) => ({ purpose: s.purpose, noticeId: s.noticeId, overrides: null }));
    const receipts = await this.#recordPerNotice(ctx, subject, targets, 'withdrawn', {
      method: ctx.principal.kind === 'customer' ? 'explicit' : 'api',
      collectionPoint,
    });
    await this.#dropWithheld(
      ctx,
      subject,
      targets.map((t) => t.purpose),
    );
    return receipts;
  }

  /**
   * After a withdrawal or a refusal: the merchant stops keeping the profile fields only the
   * withheld consent let it collect (payments' `dropUncollectable`). A restriction or objection
   * (`refuseForRequest`) keeps them: restricted data is kept, used for nothing else.
   */
  async #dropWithheld(ctx: RequestContext, subject: Subject, withheld: readonly string[]): Promise<void> {
    const { customerId } = subject.facts;
    if (withheld.length === 0 || customerId === null) return;
    const no = new Set(withheld);
    await this.#services.payments.customers.dropUncollectable(
      ctx,
      subject.merchantId,
      customerId,
      (purpose) => (no.has(purpose) ? Promise.resolve(false) : this.#cache.allows(ctx.em, subject, purpose)),
    );
  }

  /**
   * Refuses, for a data subject request, the optional purposes `which` names: every optional one
   * (a restriction, GDPR Art. 18(2)), those that sell or share (a CPRA opt-out), or the named
   * ones (an objection). Each is refused on the notice it was granted under, and on each current
   * notice for the subject that asks it, so a receipt proves the refusal even where nothing was
   * granted yet. Mandatory purposes are never touched: the contract goes on.
   */
  async refuseForRequest(
    ctx: MerchantContext,
    input: {
      customerRef: string;
      which: 'optional' | 'sale-or-sharing' | readonly string[];
      collectionPoint: string;
    },
  ): Promise<ReceiptView[]> {
    const subject = await this.#subject(ctx, input.customerRef);
    const subjectId = await this.#services.privacy.keys.findSubjectId(ctx.em, subject);
    const state = subjectId ? await this.#stateOf(ctx.em, subjectId) : new Map<string, PurposeState>();
    const named = (p: { id: string; mandatory: boolean; sellsOrShares: boolean }) =>
      !p.mandatory &&
      (input.which === 'optional' ||
        (input.which === 'sale-or-sharing' ? p.sellsOrShares : input.which.includes(p.id)));
    const targets = new Map<string, OptOut>();
    for (const s of state.values()) {
      if (!s.granted) continue;
      const notice = await this.notices.get(ctx.em, subject.merchantId, s.noticeId);
      const purpose = notice.content.purposes.find((p) => p.id === s.purpose);
      if (purpose && named(purpose))
        targets.set(s.purpose, { purpose: s.purpose, noticeId: s.noticeId, overrides: null });
    }
    const current = await this.notices.applicable(
      ctx.em,
      subject.merchantId,
      subject.facts.jurisdiction,
      null,
    );
    for (const notice of current) {
      for (const purpose of notice.content.purposes) {
        const now = state.get(purpose.id);
        if (named(purpose) && !targets.has(purpose.id) && (!now || now.granted))
          targets.set(purpose.id, { purpose: purpose.id, noticeId: notice.id, overrides: null });
      }
    }
    return this.#recordPerNotice(ctx, subject, [...targets.values()], 'refused', {
      method: 'api',
      collectionPoint: input.collectionPoint,
    });
  }

  /** The subject's current state per purpose. */
  async state(ctx: ConsentContext, customerRef?: string | null): Promise<PurposeState[]> {
    const subject = await this.#subject(ctx, customerRef);
    await this.#honourGpc(ctx, subject);
    const subjectId = await this.#services.privacy.keys.findSubjectId(ctx.em, subject);
    return subjectId ? [...(await this.#stateOf(ctx.em, subjectId)).values()] : [];
  }

  /** The subject's receipts, oldest first, with their sealed part opened. */
  async receipts(ctx: ConsentContext, customerRef?: string | null): Promise<ReceiptView[]> {
    const subject = await this.#subject(ctx, customerRef);
    await this.#honourGpc(ctx, subject);
    const subjectId = await this.#services.privacy.keys.findSubjectId(ctx.em, subject);
    if (!subjectId) return [];
    const receipts = await ctx.em.find(ConsentReceipt, { subjectId }, { orderBy: { sequence: 'asc' } });
    return Promise.all(
      receipts.map(async (receipt) => {
        const opened = await this.#services.privacy.keys.open(
          ctx.em,
          receipt.personalSealed,
          personalBinding(receipt.id),
        );
        return { receipt, personal: opened === null ? null : (JSON.parse(opened) as ReceiptPersonal) };
      }),
    );
  }

  /** The current notices that apply to the subject, in `language` (all languages when null). */
  async applicableNotices(
    ctx: ConsentContext,
    customerRef: string | null | undefined,
    language: string | null,
  ) {
    const subject = await this.#subject(ctx, customerRef);
    await this.#honourGpc(ctx, subject);
    return this.notices.applicable(ctx.em, subject.merchantId, subject.facts.jurisdiction, language);
  }

  async #subject(ctx: ConsentContext, customerRef: string | null | undefined): Promise<Subject> {
    const { principal } = ctx;
    let ref: string;
    if (principal.kind === 'customer') {
      if (customerRef != null && customerRef !== principal.customerRef)
        throw new ValidationError('customerRef', 'a customer session acts for itself: leave customerRef out');
      ref = principal.customerRef;
    } else {
      ref = (customerRef ?? '').trim();
      if (ref.length === 0 || ref.length > 200)
        throw new ValidationError('customerRef', 'name the customer (customerRef, 1 to 200 characters)');
    }
    const subject = { merchantId: principal.merchantId, customerRef: ref };
    return { ...subject, facts: await this.#facts(ctx, subject) };
  }

  async #stateOf(em: EntityManager, subjectId: string): Promise<ReadonlyMap<string, PurposeState>> {
    const receipts = await em.find(
      ConsentReceipt,
      { subjectId },
      {
        fields: [
          'id',
          'sequence',
          'method',
          'notice',
          'noticeKey',
          'noticeVersion',
          'recordedAt',
          'decisions',
        ],
      },
    );
    return consentState(receipts.map((r) => ({ ...r, noticeId: r.notice.id, decisions: r.decisions })));
  }

  /** A notice of the merchant's, in its current version, for the subject's jurisdiction. */
  async #currentNotice(ctx: RequestContext, subject: Subject, id: string): Promise<ConsentNotice> {
    const notice = await this.notices.get(ctx.em, subject.merchantId, id);
    if (!(await this.notices.isCurrent(ctx.em, notice)))
      throw new ValidationError(
        'noticeId',
        `version ${notice.version} of "${notice.key}" is replaced: ask for the current one`,
      );
    if (!appliesTo(notice, subject.facts.jurisdiction))
      throw new ValidationError('noticeId', `notice "${notice.key}" is not for the customer’s jurisdiction`);
    return notice;
  }

  /**
   * Refuses what the applicable packs' children rules forbid: a minor's own consent where a
   * guardian must give it, and the merchant opting a minor into sale or sharing where only the
   * minor's own action may (CPRA s.1798.120(c)). Guardian rules first: they are the stricter.
   * The age is the subject's country's where the pack has a national row (childRulesFor).
   * Throws RegulationPackDisabled when a pack that applies is switched off for the merchant.
   */
  #checkAge(subject: Subject, decisions: readonly ReceiptDecision[], method: ConsentMethod): void {
    const packs = this.#services.privacy.regulations.enforced(subject.merchantId, subject.facts);
    const { birthDate } = subject.facts;
    if (!birthDate) return;
    const age = ageOn(birthDate, new Date());
    const rules = packs
      .flatMap((pack) =>
        childRulesFor(pack.rules, subject.facts.jurisdiction).map((rule) => ({ law: pack.name, ...rule })),
      )
      .sort((a, b) => Number(b.consentBy === 'guardian') - Number(a.consentBy === 'guardian'));
    for (const { law, below, covers, consentBy, article } of rules) {
      const needs = decisions.some(
        (d) => d.state === 'granted' && (covers === 'every-purpose' || d.sellsOrShares),
      );
      if (age >= below || !needs) continue;
      if (consentBy === 'guardian') throw new GuardianConsentRequired(law, below, article);
      if (method !== 'explicit') throw new MinorOptInRequired(law, below, article);
    }
  }

  /**
   * `Sec-GPC: 1` for a subject under the CPRA: opt out of every sale or sharing granted before,
   * marking the conflict with each opt-in it overrides. `granting` names the sale or sharing
   * purposes the same request is about to grant (with their notice): the signal is recorded
   * against them first, so the subject's own grant comes after it and later signals leave it be
   * (11 CCR 7025(c)(3): the business may ask for consent after the signal).
   */
  async #honourGpc(
    ctx: RequestContext,
    subject: Subject,
    granting?: { notice: ConsentNotice; purposes: readonly string[] },
  ): Promise<void> {
    if (ctx.headers.get('sec-gpc')?.trim() !== '1') return;
    const packs = this.#services.privacy.regulations.enabledFor(subject.merchantId, subject.facts);
    if (!packs.some((pack) => pack.rules.gpc !== null)) return;
    const subjectId = await this.#services.privacy.keys.findSubjectId(ctx.em, subject);
    const state = subjectId ? await this.#stateOf(ctx.em, subjectId) : new Map<string, PurposeState>();
    const targets: OptOut[] = gpcTargets(state).map((s) => ({
      purpose: s.purpose,
      noticeId: s.noticeId,
      overrides: s.receiptId,
    }));
    for (const purpose of granting?.purposes ?? []) {
      const now = state.get(purpose);
      const signalled = now !== undefined && (now.method === 'gpc' || now.reaskedAfterGpc);
      if (!signalled && !targets.some((t) => t.purpose === purpose))
        targets.push({ purpose, noticeId: granting!.notice.id, overrides: null });
    }
    await this.#recordPerNotice(ctx, subject, targets, 'refused', {
      method: 'gpc',
      collectionPoint: 'Sec-GPC request header',
    });
  }

  /** One receipt per notice; a GPC receipt names the opt-ins it overrode as its conflict. */
  async #recordPerNotice(
    ctx: RequestContext,
    subject: Subject,
    targets: readonly OptOut[],
    state: 'withdrawn' | 'refused',
    how: { method: ConsentMethod; collectionPoint: string },
  ): Promise<ReceiptView[]> {
    const byNotice = Map.groupBy(targets, (t) => t.noticeId);
    const receipts: ReceiptView[] = [];
    for (const [noticeId, forNotice] of byNotice) {
      const notice = await this.notices.get(ctx.em, subject.merchantId, noticeId);
      const decisions = forNotice.map((t) => ({ ...decisionOf(notice, t.purpose), state }));
      const overriding = forNotice.filter((t) => t.overrides !== null);
      receipts.push(
        await this.#record(ctx, subject, notice, decisions, {
          method: how.method,
          collectionPoint: how.collectionPoint,
          guardian: null,
          guardianVerification: null,
          conflict:
            how.method === 'gpc' && overriding.length > 0
              ? {
                  purposes: overriding.map((t) => t.purpose),
                  overrode: [...new Set(overriding.map((t) => t.overrides!))],
                }
              : null,
        }),
      );
    }
    return receipts;
  }

  async #record(
    ctx: RequestContext,
    subject: Subject,
    notice: ConsentNotice,
    decisions: readonly ReceiptDecision[],
    how: {
      method: ConsentMethod;
      collectionPoint: string;
      guardian: GuardianIdentity | null;
      guardianVerification: string | null;
      conflict?: { purposes: string[]; overrode: string[] } | null;
    },
  ): Promise<ReceiptView> {
    const { collectionPoint } = how;
    const { principal } = ctx;
    const recordedBy =
      principal.kind === 'customer'
        ? `customer-session:${principal.sessionId}`
        : `api-key:${'keyId' in principal ? principal.keyId : 'unknown'}`;
    const personal = { jurisdiction: subject.facts.jurisdiction, guardian: how.guardian };
    const receipt = await ctx.em.transactional(async (tx) => {
      const subjectId = await this.#services.privacy.keys.subjectId(tx, subject);
      const written = await appendReceipt(tx, this.#services, {
        merchantId: subject.merchantId,
        subjectId,
        customerId: subject.facts.customerId,
        notice,
        decisions,
        method: how.method,
        collectionPoint,
        personal,
        guardianVerification: how.guardianVerification,
        recordedBy,
        conflict: how.conflict ?? null,
      });
      return { written, subjectId };
    });
    // This process forgets at once; the others when the notice sent in the transaction arrives.
    this.#cache.forget({ merchantId: subject.merchantId, subjectId: receipt.subjectId });
    return { receipt: receipt.written, personal };
  }
}

/** A purpose to refuse or withdraw, under the notice it stands under, and the opt-in it overrides. */
interface OptOut {
  readonly purpose: string;
  readonly noticeId: string;
  readonly overrides: string | null;
}

function sellsOrSharesGranted(decisions: readonly ReceiptDecision[]): string[] {
  return decisions.filter((d) => d.sellsOrShares && d.state === 'granted').map((d) => d.purpose);
}

/** Where the decision was collected (a page, a form), as the receipt records it. */
function collectionPointOf(value: string): string {
  const point = value.trim();
  if (point.length === 0 || point.length > 200)
    throw new ValidationError(
      'collectionPoint',
      'where the decision was collected (a page, a form), 1 to 200 characters',
    );
  return point;
}

/** Each purpose of the notice decided once, in the notice's order, with what the notice said of it. */
function decisionsFor(
  notice: ConsentNotice,
  decided: readonly { purpose: string; granted: boolean }[],
): ReceiptDecision[] {
  const byPurpose = new Map<string, boolean>();
  for (const d of decided) {
    if (byPurpose.has(d.purpose))
      throw new ValidationError('decisions', `purpose "${d.purpose}" is decided twice`);
    byPurpose.set(d.purpose, d.granted);
  }
  const known = new Set(notice.content.purposes.map((p) => p.id));
  const unknown = [...byPurpose.keys()].find((p) => !known.has(p));
  if (unknown !== undefined)
    throw new ValidationError('decisions', `notice "${notice.key}" has no purpose "${unknown}"`);
  const missing = notice.content.purposes.filter((p) => !byPurpose.has(p.id)).map((p) => p.id);
  if (missing.length > 0)
    throw new ValidationError('decisions', `decide each purpose separately; missing: ${missing.join(', ')}`);
  return notice.content.purposes.map((p) => ({
    ...decisionOf(notice, p.id),
    state: byPurpose.get(p.id) ? 'granted' : 'refused',
  }));
}

function decisionOf(notice: ConsentNotice, purpose: string): Omit<ReceiptDecision, 'state'> {
  const p = notice.content.purposes.find((x) => x.id === purpose);
  if (!p) throw new Error(`notice ${notice.id} has no purpose ${purpose}`);
  return {
    purpose: p.id,
    mandatory: p.mandatory,
    sellsOrShares: p.sellsOrShares,
    items: p.items,
    retention: p.retention,
  };
}

/** The purposes a decision says no to. */
function refusedIn(decisions: readonly ReceiptDecision[]): string[] {
  return decisions.filter((d) => d.state !== 'granted').map((d) => d.purpose);
}
