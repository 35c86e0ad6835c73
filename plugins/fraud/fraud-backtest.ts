import { type OperatorContext, query, ValidationError } from '../../core/plugin-api.ts';
import { FraudRuleInvalidError } from './fraud.errors.ts';
import { compileCondition, type RuleCondition, RuleLanguageError } from './fraud-rule-language.ts';
import { loadFeatures } from './risk-features.ts';

export interface FraudBacktest {
  /** Past decided attempts the condition ran on (newest first, at most MAX_ATTEMPTS). */
  readonly evaluated: number;
  readonly matched: number;
  /** Of the matched: how they were decided at the time. */
  readonly matchedAllowed: number;
  readonly matchedChallenged: number;
  readonly matchedReviewed: number;
  readonly matchedBlocked: number;
  /** Of the matched: labelled since by a person (declined: fraud; approved: honest, an override included). */
  readonly matchedDeclinedOnReview: number;
  readonly matchedApprovedOnReview: number;
  /** Up to 20 payment ids it would have flagged, newest first. */
  readonly samplePaymentIds: readonly string[];
}

const MAX_ATTEMPTS = 20_000;

/**
 * What a condition would have matched among stored past attempts, run on the features each
 * attempt was decided on (stored with the decision), so a backtest sees exactly what the live
 * rule would have seen. Labels are people's outcomes: the review of the attempt (fraud-review.service.ts),
 * else the decision on its held payment.
 */
export async function backtestCondition(
  ctx: OperatorContext,
  expression: string,
  merchantId: string | null,
  days: number,
): Promise<FraudBacktest> {
  if (!Number.isInteger(days) || days < 1 || days > 366) {
    throw new ValidationError('days', 'days must be from 1 to 366');
  }
  let condition: RuleCondition;
  try {
    condition = compileCondition(expression);
  } catch (error) {
    if (error instanceof RuleLanguageError) throw new FraudRuleInvalidError(expression, error.message);
    throw error;
  }
  const rows = await query<{
    features: Record<string, unknown>;
    decision: string;
    payment_id: string;
    label: string | null;
  }>(
    ctx.em,
    `select a.features, a.decision, a.payment_id, coalesce(r.status, p.review ->> 'status') as label
     from fraud_attempt a left join payment_intent p on p.id = a.payment_id
       left join fraud_review r on r.attempt_id = a.id
     where a.features is not null and a.created_at > now() - make_interval(days => ?)
       and (?::uuid is null or a.merchant_id = ?::uuid)
     order by a.created_at desc limit ${MAX_ATTEMPTS}`,
    [days, merchantId, merchantId],
  );
  const matched = rows.filter((row) => condition(loadFeatures(row.features)));
  const count = (keep: (row: (typeof rows)[number]) => boolean) => matched.filter(keep).length;
  return {
    evaluated: rows.length,
    matched: matched.length,
    matchedAllowed: count((r) => r.decision === 'allow'),
    matchedChallenged: count((r) => r.decision === 'challenge'),
    matchedReviewed: count((r) => r.decision === 'review'),
    matchedBlocked: count((r) => r.decision === 'block'),
    matchedDeclinedOnReview: count((r) => r.label === 'declined'),
    matchedApprovedOnReview: count((r) => r.label === 'approved'),
    samplePaymentIds: matched.slice(0, 20).map((r) => r.payment_id),
  };
}
