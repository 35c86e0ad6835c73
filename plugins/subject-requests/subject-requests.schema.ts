import {
  type GatewayBuilder,
  NotFoundError,
  ProfileFieldNotAllowed,
  RegulationPackDisabled,
  registerErrorType,
  ValidationError,
} from '../../core/plugin-api.ts';
import { REQUEST_CHANNELS, REQUEST_KINDS } from './request-kinds.ts';
import type { RequestScheduler } from './request-scheduler.ts';
import { OPEN_STATUSES, REQUEST_STATUSES } from './request-state-machine.ts';
import { type RequestAnswer, SubjectRequest, SubjectRequestChange } from './subject-request.entity.ts';
import {
  ExtensionNotAllowed,
  FinancialRecordCorrectionRefused,
  InvalidRequestTransition,
} from './subject-requests.errors.ts';
import {
  type RequestsContext,
  type SubjectRequestsService,
  VERIFY_ACTION,
} from './subject-requests.service.ts';

/** The subject itself, its merchant, or an operator: each sees only what is theirs (the service filters). */
const REQUEST_SIDE = { $any: { operator: true, merchant: true, customer: true } } as const;
/** Who decides about a request: the merchant (the controller) or an operator. */
const CONTROLLER_SIDE = { $any: { operator: true, merchant: true } } as const;

export function registerSubjectRequestsSchema(
  builder: GatewayBuilder,
  requests: SubjectRequestsService,
  scheduler: RequestScheduler,
): void {
  registerErrorType(builder, InvalidRequestTransition, {
    fields: (t) => ({ status: t.exposeString('status'), action: t.exposeString('action') }),
  });
  registerErrorType(builder, FinancialRecordCorrectionRefused, {
    description: 'A correction named a field of a financial record; nothing was filed.',
    fields: (t) => ({ field: t.exposeString('field') }),
  });
  registerErrorType(builder, ExtensionNotAllowed, {
    fields: (t) => ({ reason: t.exposeString('reason') }),
  });

  const Kind = builder.enumType('SubjectRequestKind', {
    description:
      'access (GDPR Art. 15), portability (Art. 20), erasure (Art. 17), correction (Art. 16), restriction (Art. 18), objection (Art. 21), opt_out_of_sale (CPRA s.1798.120).',
    values: REQUEST_KINDS,
  });
  const Status = builder.enumType('SubjectRequestStatus', { values: REQUEST_STATUSES });
  const Channel = builder.enumType('SubjectRequestChannel', {
    description: 'How the request reached the merchant.',
    values: REQUEST_CHANNELS,
  });

  const Kept = builder.objectRef<RequestAnswer['kept'][number]>('SubjectRequestKept').implement({
    description: 'Something kept despite the request, under the rule that keeps it, until when.',
    authScopes: REQUEST_SIDE,
    fields: (t) => ({
      what: t.exposeString('what'),
      rule: t.exposeString('rule', { description: 'The law that keeps it, cited.' }),
      until: t.field({
        type: 'DateTime',
        nullable: true,
        resolve: (k) => (k.until ? new Date(k.until) : null),
      }),
    }),
  });
  const Answer = builder.objectRef<RequestAnswer>('SubjectRequestAnswer').implement({
    description: 'What was done for the request, and what was kept and why.',
    authScopes: REQUEST_SIDE,
    fields: (t) => ({
      done: t.exposeStringList('done'),
      kept: t.field({ type: [Kept], resolve: (a) => a.kept }),
      exportId: t.exposeID('exportId', {
        nullable: true,
        description: 'The export to download (access, portability).',
      }),
      note: t.exposeString('note', { nullable: true }),
    }),
  });
  const Change = builder.objectType(SubjectRequestChange, {
    name: 'SubjectRequestChange',
    description: 'One entry of the request’s audit.',
    authScopes: CONTROLLER_SIDE,
    fields: (t) => ({
      fromStatus: t.field({ type: Status, nullable: true, resolve: (c) => c.fromStatus ?? null }),
      toStatus: t.field({ type: Status, resolve: (c) => c.toStatus }),
      action: t.exposeString('action'),
      actor: t.exposeString('actor'),
      note: t.exposeString('note', { nullable: true }),
      at: t.expose('at', { type: 'DateTime' }),
    }),
  });

  const Request = builder.objectType(SubjectRequest, {
    name: 'SubjectRequest',
    description: 'A data subject request, its deadline under the law that applies, and its answer.',
    authScopes: REQUEST_SIDE,
    fields: (t) => ({
      id: t.exposeID('id'),
      merchantId: t.id({ resolve: (r) => r.merchant.id }),
      customerId: t.id({ nullable: true, resolve: (r) => r.customerId ?? null }),
      kind: t.field({ type: Kind, resolve: (r) => r.kind }),
      status: t.field({ type: Status, resolve: (r) => r.status }),
      channel: t.field({ type: Channel, resolve: (r) => r.channel }),
      filedBy: t.exposeString('filedBy'),
      receivedAt: t.expose('receivedAt', { type: 'DateTime' }),
      law: t.exposeString('law', {
        nullable: true,
        description: 'The regulation pack whose deadline applies; null: no applicable law sets one.',
      }),
      rule: t.exposeString('rule', { nullable: true, description: 'The article the deadline comes from.' }),
      acknowledgeBy: t.expose('acknowledgeBy', { type: 'DateTime', nullable: true }),
      acknowledgedAt: t.expose('acknowledgedAt', { type: 'DateTime', nullable: true }),
      dueAt: t.expose('dueAt', {
        type: 'DateTime',
        nullable: true,
        description: 'The deadline in force (the extended one after an extension).',
      }),
      overdue: t.boolean({
        description: 'Open past its deadline.',
        resolve: (r) =>
          OPEN_STATUSES.includes(r.status) &&
          r.dueAt !== null &&
          r.dueAt !== undefined &&
          r.dueAt < new Date(),
      }),
      extendedAt: t.expose('extendedAt', { type: 'DateTime', nullable: true }),
      extensionReason: t.exposeString('extensionReason', {
        nullable: true,
        description: 'Why the deadline was extended: what the subject is told.',
      }),
      verifiedAt: t.expose('verifiedAt', { type: 'DateTime', nullable: true }),
      verification: t.exposeString('verification', {
        nullable: true,
        description: 'How the subject was verified; null while the request waits for it.',
      }),
      completedAt: t.expose('completedAt', { type: 'DateTime', nullable: true }),
      answer: t.field({ type: Answer, nullable: true, resolve: (r) => r.answer ?? null }),
      export: t.field({
        type: 'DataExport',
        nullable: true,
        description:
          'The export answering an access or portability request, with its status and download links; null before it is made, and once its link has expired.',
        resolve: (r, _args, ctx) =>
          r.answer?.exportId ? ctx.services.portability.find(ctx, r.answer.exportId) : null,
      }),
      refusalReason: t.exposeString('refusalReason', { nullable: true }),
      history: t.withAuth(CONTROLLER_SIDE).field({
        type: [Change],
        description: 'The audit: every change, oldest first.',
        resolve: (r, _args, ctx) =>
          ctx.em.find(SubjectRequestChange, { request: r.id }, { orderBy: { at: 'asc', id: 'asc' } }),
      }),
    }),
  });

  const CorrectionInput = builder.inputType('SubjectRequestCorrectionInput', {
    fields: (t) => ({
      field: t.string({
        required: true,
        description: 'A profile field: name, email, phone, birthDate, countryOfResidence.',
      }),
      value: t.string({ description: 'The right value; null clears it.' }),
    }),
  });
  const FileInput = builder.inputType('FileSubjectRequestInput', {
    fields: (t) => ({
      kind: t.field({ type: Kind, required: true }),
      channel: t.field({ type: Channel, required: true }),
      customerRef: t.string({
        description:
          'The merchant’s reference of the customer: a merchant or an operator names it, a customer session leaves it out.',
      }),
      merchantId: t.id({ description: 'An operator names the merchant.' }),
      corrections: t.field({ type: [CorrectionInput], description: 'For a correction.' }),
      purposes: t.stringList({
        description: 'For an objection: the purposes objected to; none: every optional one.',
      }),
    }),
  });

  const asRequests = (ctx: unknown) => ctx as RequestsContext;
  const Report = builder.objectRef<{ processed: number; overdue: number }>('SubjectRequestPass').implement({
    authScopes: { operator: true },
    fields: (t) => ({ processed: t.exposeInt('processed'), overdue: t.exposeInt('overdue') }),
  });

  builder.queryFields((t) => ({
    subjectRequests: t.withAuth(REQUEST_SIDE).field({
      type: [Request],
      description:
        'Requests by due date, most urgent first: an operator’s (all merchants, or one), a merchant’s own, a customer’s own.',
      args: {
        statuses: t.arg({ type: [Status] }),
        overdue: t.arg.boolean({ description: 'Only open requests past their deadline.' }),
        merchantId: t.arg.id({ description: 'An operator narrows to one merchant.' }),
        limit: t.arg.int({ defaultValue: 50 }),
        offset: t.arg.int({ defaultValue: 0 }),
      },
      errors: { types: [ValidationError], result: { authScopes: REQUEST_SIDE } },
      resolve: (_root, args, ctx) => {
        const limit = args.limit ?? 50;
        const offset = args.offset ?? 0;
        if (limit < 1 || limit > 200) throw new ValidationError('limit', '1 to 200');
        if (offset < 0) throw new ValidationError('offset', 'at least 0');
        return requests.list(asRequests(ctx), {
          statuses: args.statuses ?? null,
          overdue: args.overdue ?? null,
          merchantId: args.merchantId ? String(args.merchantId) : null,
          limit,
          offset,
        });
      },
    }),
    subjectRequest: t.withAuth(REQUEST_SIDE).field({
      type: Request,
      args: { id: t.arg.id({ required: true }) },
      errors: { types: [NotFoundError], result: { authScopes: REQUEST_SIDE } },
      resolve: (_root, { id }, ctx) => requests.get(asRequests(ctx), String(id)),
    }),
  }));

  builder.mutationFields((t) => ({
    fileSubjectRequest: t.withAuth(REQUEST_SIDE).field({
      type: Request,
      description:
        'Files a request: the subject in its session (verified at once with a fresh step-up where it has a factor), or the merchant or an operator on its behalf (it then waits for the subject to verify). Deadlines run from now.',
      args: { input: t.arg({ type: FileInput, required: true }) },
      errors: {
        types: [
          ValidationError,
          NotFoundError,
          FinancialRecordCorrectionRefused,
          ProfileFieldNotAllowed,
          RegulationPackDisabled,
        ],
        result: { authScopes: REQUEST_SIDE },
      },
      resolve: (_root, { input }, ctx) =>
        requests.file(asRequests(ctx), {
          ...input,
          merchantId: input.merchantId ? String(input.merchantId) : null,
          corrections: input.corrections?.map((c) => ({ field: c.field, value: c.value ?? null })) ?? null,
        }),
    }),
    verifySubjectRequest: t.withAuth({ $all: { customer: true, stepUp: VERIFY_ACTION } }).field({
      type: Request,
      description:
        'The subject verifies a request filed for it, in its own session: a fresh second-factor step-up where it has a factor (STEP_UP_REQUIRED otherwise). Processing starts at once.',
      args: { id: t.arg.id({ required: true }) },
      errors: {
        types: [NotFoundError, InvalidRequestTransition],
        result: { authScopes: { customer: true } },
      },
      resolve: (_root, { id }, ctx) => requests.verify(ctx, String(id)),
    }),
    extendSubjectRequest: t.withAuth(CONTROLLER_SIDE).field({
      type: Request,
      description:
        'Extends the deadline once, as the law allows, with the reason the subject is told (GDPR: within the first month).',
      args: { id: t.arg.id({ required: true }), reason: t.arg.string({ required: true }) },
      errors: {
        types: [NotFoundError, ValidationError, ExtensionNotAllowed, InvalidRequestTransition],
        result: { authScopes: CONTROLLER_SIDE },
      },
      resolve: (_root, { id, reason }, ctx) => requests.extend(asRequests(ctx), String(id), reason),
    }),
    refuseSubjectRequest: t.withAuth(CONTROLLER_SIDE).field({
      type: Request,
      description: 'Refuses an open request, with the reason the subject is told.',
      args: { id: t.arg.id({ required: true }), reason: t.arg.string({ required: true }) },
      errors: {
        types: [NotFoundError, ValidationError, InvalidRequestTransition],
        result: { authScopes: CONTROLLER_SIDE },
      },
      resolve: (_root, { id, reason }, ctx) => requests.refuse(asRequests(ctx), String(id), reason),
    }),
    cancelSubjectRequest: t.withAuth(REQUEST_SIDE).field({
      type: Request,
      description: 'Withdraws a request not yet processed.',
      args: { id: t.arg.id({ required: true }) },
      errors: { types: [NotFoundError, InvalidRequestTransition], result: { authScopes: REQUEST_SIDE } },
      resolve: (_root, { id }, ctx) => requests.cancel(asRequests(ctx), String(id)),
    }),
    runSubjectRequestPass: t.withAuth({ operator: true }).field({
      type: Report,
      description:
        'Runs the scheduled check now: carries out verified requests, resumes interrupted ones, reports overdue ones.',
      resolve: () => scheduler.run(),
    }),
  }));
}
