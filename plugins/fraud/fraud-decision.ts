import type { AuthorizeDecision } from '../payments/api.ts';

/** The decisions of `payment.beforeAuthorize`, as the fraud plugin stores and shows them. */
export const AUTHORIZE_DECISION_VALUES = [
  'allow',
  'challenge',
  'review',
  'block',
] as const satisfies readonly AuthorizeDecision[];

/** A stored decision, as GraphQL shows it. */
export interface FraudDecisionView {
  readonly attemptId: string;
  readonly paymentId: string;
  readonly merchantId: string;
  readonly customerId: string;
  readonly decision: AuthorizeDecision;
  readonly score: number;
  readonly reasons: readonly string[];
  readonly rules: readonly { readonly id: string; readonly version: number; readonly action: string }[];
  readonly createdAt: Date;
}
