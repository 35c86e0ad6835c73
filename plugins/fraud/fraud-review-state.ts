import type { AuthorizeDecision } from '../payments/api.ts';

/**
 * The review of one automated decision (one attempt), as a pure state machine: the service
 * stores its result and the property test (`fraud-review-state.property.test.ts`) drives it.
 *
 * - A payment held for review (`review`) is open until a person decides on it, in the queue or
 *   through `decidePaymentReview`: the payment's own `review` is the held state, so no row is
 *   written for a hold until someone acts.
 * - Any other decided attempt (a block, a challenge, even an allow later found to be fraud) can
 *   be decided by a person directly: approving a block is the override.
 * - The subject may ask once per attempt for a person's review with their point of view (GDPR
 *   Art. 22(3), PIPA Art. 37-2): it opens the attempt's review, or reopens one a person declined
 *   before hearing them. An approved review stays approved: the subject has what they asked for.
 */
export const FRAUD_REVIEW_STATUSES = ['open', 'approved', 'declined'] as const;
export type FraudReviewStatus = (typeof FRAUD_REVIEW_STATUSES)[number];

export interface FraudReviewState {
  /** Null: nobody acted yet and nothing is held (an allowed or blocked attempt). */
  readonly status: FraudReviewStatus | null;
  readonly subjectRequested: boolean;
}

export type FraudReviewEvent =
  | { readonly kind: 'subject-request' }
  | { readonly kind: 'decide'; readonly approve: boolean };

export type FraudReviewRefusal = 'already-decided' | 'already-requested' | 'nothing-to-review';

/** The state before anyone acted: a held payment is open, any other decision has no review yet. */
export function initialState(decision: AuthorizeDecision, heldPending: boolean): FraudReviewState {
  return { status: decision === 'review' && heldPending ? 'open' : null, subjectRequested: false };
}

/** The next state, or why the event is refused (the stored state then does not change). */
export function nextState(
  state: FraudReviewState,
  event: FraudReviewEvent,
  decision: AuthorizeDecision,
): FraudReviewState | { readonly refused: FraudReviewRefusal } {
  if (event.kind === 'decide') {
    if (state.status === 'approved' || state.status === 'declined') return { refused: 'already-decided' };
    return { ...state, status: event.approve ? 'approved' : 'declined' };
  }
  if (state.subjectRequested) return { refused: 'already-requested' };
  // An allowed payment went through: there is no adverse decision to contest.
  if (decision === 'allow') return { refused: 'nothing-to-review' };
  if (state.status === 'approved') return { refused: 'already-decided' };
  return { status: 'open', subjectRequested: true };
}

/** What a decision means for training: approved is honest, declined is fraud. */
export const labelOf = (status: FraudReviewStatus | null): boolean | null =>
  status === 'approved' ? false : status === 'declined' ? true : null;
