import type { PrincipalKind } from '../../core/plugin-api.ts';

export const REVIEW_STATUSES = ['pending', 'approved', 'declined'] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];

/**
 * A payment a `payment.beforeAuthorize` handler held for a person's review: authorized as a
 * manual capture, and captured only once approved. Stored whole on the payment (one nullable
 * column): it is read with the payment and written at most twice, so a table of its own would
 * only add a join.
 */
export interface PaymentReview {
  readonly status: ReviewStatus;
  /** The combined verdict's, as the caller was shown. */
  readonly score: number;
  readonly reasons: readonly string[];
  /** The caller asked for an automatic capture: approving captures the payment. */
  readonly captureOnApproval: boolean;
  /** The audit of the decision: who, when (ISO 8601) and why. */
  readonly decidedAt?: string;
  readonly decidedBy?: { readonly kind: PrincipalKind; readonly keyId: string };
  readonly decisionReason?: string;
}

/** Whether a capture must wait: held, and not (yet) approved. */
export function heldForReview(payment: { review?: PaymentReview | null }): boolean {
  return payment.review != null && payment.review.status !== 'approved';
}
