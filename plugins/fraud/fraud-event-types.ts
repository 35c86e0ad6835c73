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
];
