import { randomUUID } from 'node:crypto';
import { defineEntity, p } from '@mikro-orm/core';
import { Merchant } from '../../core/plugin-api.ts';
import type { RequestChannel, SubjectRequestKind } from './request-kinds.ts';
import type { RequestStatus } from './request-state-machine.ts';

/** What the request's answer says: filled when it completes (request-processor.ts). */
export interface RequestAnswer {
  /** One line per thing done: `erased: payments.customer.profile`, `corrected: email`. */
  readonly done: readonly string[];
  /** What was kept, under which rule, until when (ISO date or null: as long as the rule lasts). */
  readonly kept: readonly { what: string; rule: string; until: string | null }[];
  /** The export (access, portability) the subject downloads, when one was made. */
  readonly exportId: string | null;
  readonly note: string | null;
}

const SubjectRequestSchema = defineEntity({
  name: 'SubjectRequest',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    merchant: () => p.manyToOne(Merchant),
    /** The kernel's pseudonymous subject (`privacy_subject`). */
    subjectId: p.uuid(),
    /** The payments customer, named in events for partners; null when the merchant has none. */
    customerId: p.uuid().nullable(),
    kind: p.string().length(20).$type<SubjectRequestKind>(),
    status: p.string().length(24).$type<RequestStatus>(),
    channel: p.string().length(20).$type<RequestChannel>(),
    /** `customer-session:<id>`, `api-key:<id>`: who filed it. */
    filedBy: p.string().length(100),
    receivedAt: p.datetime(),
    /** The pack whose deadline applies (`gdpr`), null when no applicable law sets one for the kind. */
    law: p.string().length(40).nullable(),
    /** The rule's article, quoted to the subject and the operator. */
    rule: p.string().length(300).nullable(),
    acknowledgeBy: p.datetime().nullable(),
    acknowledgedAt: p.datetime().nullable(),
    /** The deadline in force: the law's, or the extended one. */
    dueAt: p.datetime().nullable(),
    extendedAt: p.datetime().nullable(),
    extensionReason: p.text().nullable(),
    verifiedAt: p.datetime().nullable(),
    /** How: `session`, `session+totp`, `not-required (11 CCR 7026(d))`. */
    verification: p.string().length(100).nullable(),
    /** The request's own input (correction values, purposes), sealed under the subject's key. */
    detailsSealed: p.text().nullable(),
    /** Set once the `subject_request.overdue` event went out: it goes out once. */
    overdueAt: p.datetime().nullable(),
    /** A process working on it holds it until then; past it, the scheduled pass may resume it. */
    claimedUntil: p.datetime().nullable(),
    completedAt: p.datetime().nullable(),
    answer: p.json<RequestAnswer>().nullable(),
    refusalReason: p.text().nullable(),
    updatedAt: p.datetime(),
  },
  indexes: [
    { name: 'subject_request_open_due', properties: ['status', 'dueAt'] },
    { name: 'subject_request_merchant_subject', properties: ['merchant', 'subjectId'] },
  ],
});

/** One data subject request, from filing to its answer. */
export class SubjectRequest extends SubjectRequestSchema.class {}
SubjectRequestSchema.setClass(SubjectRequest);

const SubjectRequestChangeSchema = defineEntity({
  name: 'SubjectRequestChange',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    request: () => p.manyToOne(SubjectRequest),
    /** Null for the filing. */
    fromStatus: p.string().length(24).$type<RequestStatus>().nullable(),
    toStatus: p.string().length(24).$type<RequestStatus>(),
    /** `verify`, `extend`, `overdue`... */
    action: p.string().length(24),
    actor: p.string().length(100),
    note: p.text().nullable(),
    at: p.datetime(),
  },
  indexes: [{ name: 'subject_request_change_request', properties: ['request', 'at'] }],
});

/** The audit: one row per state change or extension, append-only. */
export class SubjectRequestChange extends SubjectRequestChangeSchema.class {}
SubjectRequestChangeSchema.setClass(SubjectRequestChange);

export { SubjectRequestChangeSchema, SubjectRequestSchema };
