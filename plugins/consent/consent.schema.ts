import {
  type GatewayBuilder,
  NotFoundError,
  RegulationPackDisabled,
  registerErrorType,
  ValidationError,
} from '../../core/plugin-api.ts';
import {
  BundledConsent,
  GuardianConsentRequired,
  MinorOptInRequired,
  SensitiveConsentRequired,
} from './consent.errors.ts';
import type { ConsentContext, ConsentService, ReceiptView } from './consent.service.ts';
import { ConsentNotice } from './consent-notice.entity.ts';
import {
  CONSENT_METHODS,
  DECISION_STATES,
  type GpcConflict,
  type PurposeState,
  type ReceiptDecision,
} from './consent-state.ts';
import type { NoticePurpose } from './notice-content.ts';
import type { GuardianIdentity } from './receipt-writer.ts';

/** A merchant for any of its customers, a customer session for itself. */
const SUBJECT_SIDE = { $any: { merchant: true, customer: true } } as const;
const CUSTOMER_REF =
  'The merchant’s reference of the customer: required for a merchant key, left out by a customer session (it acts for itself).';

/** How a merchant verified a guardian (PIPA Art. 22-2(2) leaves the means to the controller). */
const GUARDIAN_VERIFICATIONS = ['phone', 'card', 'identity_document', 'signed_form', 'in_person'] as const;

export function registerConsentSchema(builder: GatewayBuilder, consent: ConsentService): void {
  registerErrorType(builder, GuardianConsentRequired, {
    fields: (t) => ({
      law: t.exposeString('law'),
      minimumAge: t.exposeInt('minimumAge', { description: 'Below this age a guardian consents.' }),
      article: t.exposeString('article'),
    }),
  });
  registerErrorType(builder, MinorOptInRequired, {
    description: 'A minor’s opt-in to sale or sharing must come from the minor’s own session.',
    fields: (t) => ({
      law: t.exposeString('law'),
      minimumAge: t.exposeInt('minimumAge', { description: 'Below this age only the subject opts in.' }),
      article: t.exposeString('article'),
    }),
  });
  registerErrorType(builder, BundledConsent, {
    description: 'The notice asks for two consents as one where the law wants each purpose separately.',
    fields: (t) => ({
      law: t.exposeString('law'),
      article: t.exposeString('article'),
      purpose: t.exposeString('purpose', { description: 'The purpose that bundles.' }),
    }),
  });
  registerErrorType(builder, SensitiveConsentRequired, {
    description:
      'The notice asks for an item of a sensitive category under a mandatory purpose or together with other items, where the law wants a consent of its own for it (GDPR Art. 9(2)(a), PIPA Art. 23(1)1).',
    fields: (t) => ({
      law: t.exposeString('law'),
      article: t.exposeString('article'),
      purpose: t.exposeString('purpose', { description: 'The purpose that asks for it.' }),
      item: t.exposeString('item', { description: 'The sensitive item, as the notice names it.' }),
    }),
  });
  const Method = builder.enumType('ConsentMethod', {
    description:
      '`explicit`: the subject’s own action; `api`: the merchant on the subject’s behalf; `gpc`: a Global Privacy Control signal; `guardian`: a guardian for a minor.',
    values: CONSENT_METHODS,
  });
  const DecisionState = builder.enumType('ConsentDecisionState', { values: DECISION_STATES });
  const Verification = builder.enumType('GuardianVerification', { values: GUARDIAN_VERIFICATIONS });

  const Purpose = builder.objectRef<NoticePurpose>('NoticePurpose').implement({
    description: 'One purpose of a notice, decided on its own.',
    authScopes: SUBJECT_SIDE,
    fields: (t) => ({
      id: t.exposeString('id', { description: 'What `allows` and decisions name (e.g. marketing).' }),
      description: t.exposeString('description'),
      mandatory: t.exposeBoolean('mandatory', {
        description: 'Needed for the contract; the others are optional and refusing them denies no service.',
      }),
      items: t.exposeStringList('items', { description: 'The personal items collected for this purpose.' }),
      retention: t.exposeString('retention'),
      refusalConsequence: t.exposeString('refusalConsequence', { description: 'What refusing means.' }),
      sellsOrShares: t.exposeBoolean('sellsOrShares', {
        description: 'A sale or sharing (CPRA): a GPC signal opts out of it.',
      }),
    }),
  });

  const Notice = builder.objectType(ConsentNotice, {
    name: 'ConsentNotice',
    description:
      'One version of a consent notice, in one language. Never changed: old versions stay readable.',
    authScopes: SUBJECT_SIDE,
    fields: (t) => ({
      id: t.exposeID('id'),
      key: t.exposeString('key'),
      version: t.exposeInt('version'),
      language: t.exposeString('language'),
      territories: t.exposeStringList('territories', {
        description: 'ISO 3166 codes of the subjects it is for; empty: everyone.',
      }),
      title: t.string({ resolve: (n) => n.content.title }),
      purposes: t.field({ type: [Purpose], resolve: (n) => n.content.purposes }),
      contentHash: t.exposeString('contentHash', {
        description: 'SHA-256 of the notice as shown; receipts quote it.',
      }),
      publishedAt: t.expose('publishedAt', { type: 'DateTime' }),
    }),
  });

  const Decision = builder.objectRef<ReceiptDecision>('ConsentDecision').implement({
    authScopes: SUBJECT_SIDE,
    fields: (t) => ({
      purpose: t.exposeString('purpose'),
      state: t.field({ type: DecisionState, resolve: (d) => d.state }),
      mandatory: t.exposeBoolean('mandatory'),
      sellsOrShares: t.exposeBoolean('sellsOrShares'),
      items: t.exposeStringList('items'),
      retention: t.exposeString('retention'),
    }),
  });

  const Conflict = builder.objectRef<GpcConflict>('GpcConflict').implement({
    description:
      'A GPC signal overrode earlier opt-ins: the merchant may ask the customer again (11 CCR 7025).',
    authScopes: SUBJECT_SIDE,
    fields: (t) => ({
      purposes: t.exposeStringList('purposes'),
      overrode: t.exposeStringList('overrode', {
        description: 'Ids of the receipts whose opt-ins it overrode.',
      }),
    }),
  });

  const Guardian = builder.objectRef<GuardianIdentity>('GuardianIdentity').implement({
    authScopes: SUBJECT_SIDE,
    fields: (t) => ({
      name: t.exposeString('name'),
      relationship: t.exposeString('relationship'),
      contact: t.exposeString('contact', { nullable: true }),
    }),
  });

  const Receipt = builder.objectRef<ReceiptView>('ConsentReceipt').implement({
    description:
      'One consent decision, with the fields of ISO/IEC TS 27560: append-only, chained to the subject’s previous receipt by `previousHash`.',
    authScopes: SUBJECT_SIDE,
    fields: (t) => ({
      id: t.id({ resolve: (v) => v.receipt.id }),
      subjectId: t.id({ resolve: (v) => v.receipt.subjectId, description: 'The pseudonymous subject.' }),
      sequence: t.int({ resolve: (v) => v.receipt.sequence }),
      notice: t.field({ type: Notice, resolve: (v) => v.receipt.notice, description: 'The version shown.' }),
      noticeKey: t.string({ resolve: (v) => v.receipt.noticeKey }),
      noticeVersion: t.int({ resolve: (v) => v.receipt.noticeVersion }),
      noticeHash: t.string({ resolve: (v) => v.receipt.noticeHash }),
      language: t.string({ resolve: (v) => v.receipt.language }),
      decisions: t.field({ type: [Decision], resolve: (v) => v.receipt.decisions }),
      method: t.field({ type: Method, resolve: (v) => v.receipt.method }),
      collectionPoint: t.string({ resolve: (v) => v.receipt.collectionPoint }),
      jurisdiction: t.string({
        nullable: true,
        resolve: (v) => v.personal?.jurisdiction ?? null,
        description: 'Sealed under the subject’s key: null once erased.',
      }),
      guardian: t.field({ type: Guardian, nullable: true, resolve: (v) => v.personal?.guardian ?? null }),
      guardianVerification: t.field({
        type: Verification,
        nullable: true,
        resolve: (v) => v.receipt.guardianVerification as (typeof GUARDIAN_VERIFICATIONS)[number] | null,
      }),
      recordedBy: t.string({ resolve: (v) => v.receipt.recordedBy }),
      recordedAt: t.field({ type: 'DateTime', resolve: (v) => v.receipt.recordedAt }),
      conflict: t.field({ type: Conflict, nullable: true, resolve: (v) => v.receipt.conflict ?? null }),
      previousHash: t.string({ nullable: true, resolve: (v) => v.receipt.previousHash ?? null }),
      hash: t.string({ resolve: (v) => v.receipt.hash }),
    }),
  });

  const State = builder.objectRef<PurposeState>('PurposeConsent').implement({
    description: 'Where one purpose stands now, derived from the receipts.',
    authScopes: SUBJECT_SIDE,
    fields: (t) => ({
      purpose: t.exposeString('purpose'),
      granted: t.exposeBoolean('granted'),
      state: t.field({ type: DecisionState, resolve: (s) => s.state }),
      method: t.field({ type: Method, resolve: (s) => s.method }),
      sellsOrShares: t.exposeBoolean('sellsOrShares'),
      noticeKey: t.exposeString('noticeKey'),
      noticeVersion: t.exposeInt('noticeVersion'),
      receiptId: t.exposeID('receiptId'),
      decidedAt: t.expose('decidedAt', { type: 'DateTime' }),
      gpcConflict: t.exposeBoolean('gpcConflict', {
        description: 'A GPC signal refused it over an earlier opt-in: the merchant may ask again.',
      }),
    }),
  });

  const PurposeInput = builder.inputType('NoticePurposeInput', {
    fields: (t) => ({
      id: t.string({ required: true }),
      description: t.string({ required: true }),
      mandatory: t.boolean({ required: true }),
      items: t.stringList({ required: true }),
      retention: t.string({ required: true }),
      refusalConsequence: t.string({ required: true }),
      sellsOrShares: t.boolean({ defaultValue: false }),
    }),
  });
  const PublishInput = builder.inputType('PublishConsentNoticeInput', {
    fields: (t) => ({
      key: t.string({
        required: true,
        description: 'The notice’s name (checkout); publishing again makes a new version.',
      }),
      language: t.string({ required: true, description: 'BCP 47 (ko, en).' }),
      territories: t.stringList({
        required: true,
        description: 'ISO 3166 codes it is for (KR, US-CA); empty: everyone.',
      }),
      title: t.string({ required: true }),
      purposes: t.field({ type: [PurposeInput], required: true }),
    }),
  });
  const DecisionInput = builder.inputType('ConsentDecisionInput', {
    fields: (t) => ({ purpose: t.string({ required: true }), granted: t.boolean({ required: true }) }),
  });
  const GiveInput = builder.inputType('GiveConsentInput', {
    fields: (t) => ({
      customerRef: t.string({ description: CUSTOMER_REF }),
      noticeId: t.id({ required: true, description: 'The current version the customer was shown.' }),
      decisions: t.field({
        type: [DecisionInput],
        required: true,
        description: 'One per purpose of the notice: each is granted or refused separately.',
      }),
      collectionPoint: t.string({ required: true, description: 'Where it was collected (a page, a form).' }),
    }),
  });
  const GuardianInput = builder.inputType('GuardianIdentityInput', {
    fields: (t) => ({
      name: t.string({ required: true }),
      relationship: t.string({ required: true, description: 'parent, legal representative...' }),
      contact: t.string(),
    }),
  });
  const GuardianConsentInput = builder.inputType('GuardianConsentInput', {
    fields: (t) => ({
      customerRef: t.string({ required: true, description: 'The minor.' }),
      noticeId: t.id({ required: true }),
      decisions: t.field({ type: [DecisionInput], required: true }),
      collectionPoint: t.string({ required: true }),
      guardian: t.field({ type: GuardianInput, required: true }),
      verification: t.field({
        type: Verification,
        required: true,
        description: 'How you verified the guardian.',
      }),
    }),
  });
  const WithdrawInput = builder.inputType('WithdrawConsentInput', {
    fields: (t) => ({
      customerRef: t.string({ description: CUSTOMER_REF }),
      purposes: t.stringList({ description: 'The purposes to withdraw; left out: every granted one.' }),
      collectionPoint: t.string({ required: true }),
    }),
  });
  const Withdrawal = builder.objectRef<{ receipts: ReceiptView[] }>('ConsentWithdrawal').implement({
    authScopes: SUBJECT_SIDE,
    fields: (t) => ({
      receipts: t.field({
        type: [Receipt],
        resolve: (w) => w.receipts,
        description: 'One per notice the purposes were granted under; empty when nothing was granted.',
      }),
    }),
  });

  const asSubjectSide = (ctx: unknown) => ctx as ConsentContext;

  builder.queryFields((t) => ({
    consentNotices: t.withAuth({ merchant: true }).field({
      type: [Notice],
      description: 'Every version of the merchant’s notices, newest first per key and language.',
      args: { key: t.arg.string() },
      resolve: (_root, { key }, ctx) => consent.notices.list(ctx.em, ctx.principal.merchantId, key ?? null),
    }),
    consentAllows: t.withAuth({ merchant: true }).boolean({
      description:
        'Whether the customer allows `purpose` now: ask before each optional use (a marketing message...). Answered from the gateway’s cache, which every consent change clears in every process.',
      args: { customerRef: t.arg.string({ required: true }), purpose: t.arg.string({ required: true }) },
      resolve: (_root, args, ctx) =>
        consent.allows(
          ctx,
          { merchantId: ctx.principal.merchantId, customerRef: args.customerRef },
          args.purpose,
        ),
    }),
    consentNotice: t.withAuth(SUBJECT_SIDE).field({
      type: Notice,
      description: 'One version of a notice, current or replaced: what a receipt’s customer was shown.',
      args: { id: t.arg.id({ required: true }) },
      errors: { types: [NotFoundError] },
      resolve: (_root, { id }, ctx) =>
        consent.notices.get(ctx.em, asSubjectSide(ctx).principal.merchantId, String(id)),
    }),
    applicableConsentNotices: t.withAuth(SUBJECT_SIDE).field({
      type: [Notice],
      description: 'The current notices for the customer’s jurisdiction: what a privacy page shows.',
      args: { customerRef: t.arg.string({ description: CUSTOMER_REF }), language: t.arg.string() },
      errors: { types: [ValidationError], result: { authScopes: SUBJECT_SIDE } },
      resolve: (_root, args, ctx) =>
        consent.applicableNotices(asSubjectSide(ctx), args.customerRef, args.language ?? null),
    }),
    consentState: t.withAuth(SUBJECT_SIDE).field({
      type: [State],
      description:
        'Where each purpose the customer decided stands now. A purpose never decided is not allowed.',
      args: { customerRef: t.arg.string({ description: CUSTOMER_REF }) },
      errors: { types: [ValidationError], result: { authScopes: SUBJECT_SIDE } },
      resolve: (_root, args, ctx) => consent.state(asSubjectSide(ctx), args.customerRef),
    }),
    consentReceipts: t.withAuth(SUBJECT_SIDE).field({
      type: [Receipt],
      description: 'Every receipt of the customer, oldest first.',
      args: { customerRef: t.arg.string({ description: CUSTOMER_REF }) },
      errors: { types: [ValidationError], result: { authScopes: SUBJECT_SIDE } },
      resolve: (_root, args, ctx) => consent.receipts(asSubjectSide(ctx), args.customerRef),
    }),
  }));

  builder.mutationFields((t) => ({
    publishConsentNotice: t.withAuth({ merchant: true }).field({
      type: Notice,
      description: 'Publishes a new version of a notice; the previous ones stay readable.',
      args: { input: t.arg({ type: PublishInput, required: true }) },
      errors: { types: [ValidationError, BundledConsent, SensitiveConsentRequired, RegulationPackDisabled] },
      resolve: (_root, { input }, ctx) =>
        consent.notices.publish(ctx, {
          ...input,
          purposes: input.purposes.map((p) => ({ ...p, sellsOrShares: p.sellsOrShares ?? false })),
        }),
    }),
    giveConsent: t.withAuth(SUBJECT_SIDE).field({
      type: Receipt,
      description:
        'Records the customer’s decision on each purpose of a notice (grants and refusals), as one receipt.',
      args: { input: t.arg({ type: GiveInput, required: true }) },
      errors: {
        types: [
          ValidationError,
          NotFoundError,
          GuardianConsentRequired,
          MinorOptInRequired,
          RegulationPackDisabled,
        ],
      },
      resolve: (_root, { input }, ctx) =>
        consent.decide(asSubjectSide(ctx), { ...input, noticeId: String(input.noticeId) }),
    }),
    recordGuardianConsent: t.withAuth({ merchant: true }).field({
      type: Receipt,
      description:
        'Records a guardian’s decision for a minor, with who the guardian is and how you verified it.',
      args: { input: t.arg({ type: GuardianConsentInput, required: true }) },
      errors: { types: [ValidationError, NotFoundError, RegulationPackDisabled] },
      resolve: (_root, { input }, ctx) =>
        consent.decideAsGuardian(ctx, {
          ...input,
          noticeId: String(input.noticeId),
          guardian: { ...input.guardian, contact: input.guardian.contact ?? null },
        }),
    }),
    withdrawConsent: t.withAuth(SUBJECT_SIDE).field({
      type: Withdrawal,
      description: 'Withdraws consent in one call, as easily as it was given; use stops at once.',
      args: { input: t.arg({ type: WithdrawInput, required: true }) },
      errors: { types: [ValidationError] },
      resolve: async (_root, { input }, ctx) => ({
        receipts: await consent.withdraw(asSubjectSide(ctx), { ...input, purposes: input.purposes ?? [] }),
      }),
    }),
  }));
}
