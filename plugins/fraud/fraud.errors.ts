import { GatewayError } from '../../core/plugin-api.ts';

/** A rule's condition does not parse, names something that does not exist, or is not a bool. */
export class FraudRuleInvalidError extends GatewayError {
  readonly expression: string;

  constructor(expression: string, problem: string) {
    super('FRAUD_RULE_INVALID', `The rule's condition is not valid CEL over the fraud features: ${problem}`);
    this.expression = expression;
  }
}

/**
 * The review cannot take this step: a person already decided it, the subject already asked, or
 * the decision was an allow (nothing adverse to contest). Nothing changed.
 */
export class FraudReviewClosedError extends GatewayError {
  readonly refusal: string;

  constructor(refusal: 'already-decided' | 'already-requested' | 'nothing-to-review') {
    super(
      'FRAUD_REVIEW_CLOSED',
      {
        'already-decided': 'A person already decided this review',
        'already-requested': 'A review of this decision was already requested',
        'nothing-to-review': 'The payment was allowed: there is no automated refusal or hold to review',
      }[refusal],
    );
    this.refusal = refusal;
  }
}
