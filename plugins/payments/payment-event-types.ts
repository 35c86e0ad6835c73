import { z } from 'zod';
import type { EventTypeDeclaration } from '../../core/plugin-api.ts';
import { OPERATION_STATUSES, PAYMENT_STATUSES } from './payment-status.ts';
import { PAYOUT_STATUSES } from './payout.entity.ts';

// The events the payments triggers write (migrations 0005 and 0009), declared with the shape of
// their payloads: ids, amounts (minor units as decimal strings) and states, nothing personal.

const minor = z.string().regex(/^-?\d+$/, 'minor units as a decimal string');
const nullableText = z.string().nullable();

const paymentPayload = z.object({
  paymentId: z.uuid(),
  status: z.enum(PAYMENT_STATUSES),
  previousStatus: z.enum(PAYMENT_STATUSES).nullable(),
  purpose: z.enum(['payment', 'top_up']),
  method: z.string(),
  currency: z.string().length(3),
  amount: minor,
  authorizedAmount: minor,
  capturedAmount: minor,
  refundedAmount: minor,
  declineReason: nullableText,
});

const refundPayload = z.object({
  refundId: z.uuid(),
  paymentId: z.uuid(),
  status: z.enum(OPERATION_STATUSES),
  amount: minor,
  currency: z.string().length(3),
  declineReason: nullableText,
});

const payoutPayload = z.object({
  payoutId: z.uuid(),
  status: z.enum(PAYOUT_STATUSES),
  amount: minor,
  currency: z.string().length(3),
  periodEnd: z.string(),
  lineCount: z.number().int(),
});

const PAYMENT_WHEN: Record<(typeof PAYMENT_STATUSES)[number], string> = {
  created: 'A payment was created and its method has not answered yet.',
  requires_action: 'The payer must act (a texted code, 3-D Secure): see `Payment.nextAction`.',
  processing: 'The method is still working on it; the janitor asks it later.',
  authorized: 'The money is held for the merchant; capture it (manual capture) or let it expire.',
  partially_captured: 'Part of the authorized amount was captured; more may follow.',
  captured: 'The money was taken (a wallet payment starts here, in one step).',
  partially_refunded: 'Part of the captured amount was refunded.',
  refunded: 'The whole captured amount was refunded.',
  voided: 'The authorization was released without capture.',
  declined: 'The method refused it (`declineReason`).',
  failed: 'The payment could not be made (an error, not a refusal).',
  expired: 'An authorization or a required action ran out of time.',
  unknown: 'The method did not say what happened (a timeout); the janitor finds out.',
};

const REFUND_WHEN: Record<string, string> = {
  created: 'A refund was started.',
  succeeded: 'The refund went through.',
  failed: 'The method refused the refund (`declineReason`).',
  pending: 'The method is still working on the refund.',
  unknown: 'The method did not say what became of the refund; the janitor finds out.',
};

export const PAYMENT_EVENT_TYPES: readonly EventTypeDeclaration[] = [
  ...PAYMENT_STATUSES.map((status) => ({
    type: `payment.${status}`,
    description: `${PAYMENT_WHEN[status]} (status \`${status}\`)`,
    payload: paymentPayload,
  })),
  ...Object.entries(REFUND_WHEN).map(([what, description]) => ({
    type: `refund.${what}`,
    description,
    payload: refundPayload,
  })),
  {
    type: 'payout.created',
    description: 'Settlement created a payout to the merchant.',
    payload: payoutPayload,
  },
  {
    type: 'payout.paid',
    description: 'An operator recorded the payout as transferred.',
    payload: payoutPayload,
  },
];
