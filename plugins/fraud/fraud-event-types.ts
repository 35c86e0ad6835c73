import { z } from 'zod';
import type { EventTypeDeclaration } from '../../core/plugin-api.ts';
import { AUTHORIZE_DECISION_VALUES } from './fraud-decision.ts';

/** Ids, the decision and its reasons in words; nothing personal (no device, IP or recipient). */
export const FRAUD_EVENT_TYPES: readonly EventTypeDeclaration[] = [
  {
    type: 'fraud.decided',
    description:
      'The fraud plugin decided on a payment attempt before authorization (allow, challenge, review or block). A blocked attempt has no payment: `paymentId` is the id it would have had.',
    payload: z.object({
      attemptId: z.uuid(),
      paymentId: z.uuid(),
      customerId: z.uuid(),
      decision: z.enum(AUTHORIZE_DECISION_VALUES),
      score: z.number().int().min(0).max(100),
      reasons: z.array(z.string()),
      rules: z.array(z.object({ id: z.uuid(), version: z.number().int(), action: z.string() })),
    }),
  },
  {
    type: 'fraud.review_requested',
    description:
      'The payer asked a person to review an automated decision about their payment (GDPR Art. 22(3), PIPA Art. 37-2): it is in the review queue, due by `dueAt` where the applicable law sets a period. Their statement is not in the event (it is personal): read `fraudReview(paymentId).subjectStatement`.',
    payload: z.object({
      attemptId: z.uuid(),
      paymentId: z.uuid(),
      customerId: z.uuid(),
      decision: z.enum(AUTHORIZE_DECISION_VALUES),
      dueAt: z.iso.datetime().nullable(),
    }),
  },
  {
    type: 'fraud.review_decided',
    description:
      'A person (an operator or the merchant) decided on an automated decision: `approved` (honest; a held payment is captured, a blocked or challenged customer may retry the identical payment once within 24 hours) or `declined` (fraud; a held payment is voided). The outcome is the training label.',
    payload: z.object({
      attemptId: z.uuid(),
      paymentId: z.uuid(),
      customerId: z.uuid(),
      decision: z.enum(AUTHORIZE_DECISION_VALUES),
      outcome: z.enum(['approved', 'declined']),
      label: z.enum(['fraud', 'legitimate']),
      subjectRequested: z.boolean(),
      decidedBy: z.enum(['operator', 'merchant']),
      retryAllowed: z.boolean(),
    }),
  },
];
