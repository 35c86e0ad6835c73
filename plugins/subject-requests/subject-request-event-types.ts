import { z } from 'zod';
import type { EventTypeDeclaration } from '../../core/plugin-api.ts';
import { REQUEST_KINDS } from './request-kinds.ts';
import { REQUEST_STATUSES } from './request-state-machine.ts';

export const REQUEST_CHANGED = 'subject_request.changed';
export const REQUEST_OVERDUE = 'subject_request.overdue';
export const SUBJECT_ERASED = 'subject_request.erased';

/** Ids, kinds and dates only: a partner finds the customer by `customerId`, nothing personal travels. */
const requestFacts = {
  requestId: z.uuid(),
  subjectId: z.uuid(),
  customerId: z.uuid().nullable(),
  kind: z.enum(REQUEST_KINDS),
  dueAt: z.string().nullable(),
};

export const requestChangedPayload = z.object({
  ...requestFacts,
  action: z.string(),
  from: z.enum(REQUEST_STATUSES).nullable(),
  to: z.enum(REQUEST_STATUSES),
});

export const requestOverduePayload = z.object({ ...requestFacts, status: z.enum(REQUEST_STATUSES) });

export const subjectErasedPayload = z.object({
  requestId: z.uuid(),
  subjectId: z.uuid(),
  customerId: z.uuid().nullable(),
  /** The plugins that erased or restricted something. */
  plugins: z.array(z.string()),
});

export const SUBJECT_REQUEST_EVENT_TYPES: readonly EventTypeDeclaration[] = [
  {
    type: REQUEST_CHANGED,
    description:
      'A data subject request was filed, verified, extended, processed, answered, refused or cancelled (`action`, `from`, `to`). The merchant tells the subject what the law asks (an extension and its reason, the answer).',
    payload: requestChangedPayload,
  },
  {
    type: REQUEST_OVERDUE,
    description: 'An open data subject request passed its deadline without an answer. Sent once per request.',
    payload: requestOverduePayload,
  },
  {
    type: SUBJECT_ERASED,
    description:
      'A subject was erased (GDPR Art. 17 and 19): a partner that received the customer’s data must erase its copies too.',
    payload: subjectErasedPayload,
  },
];
