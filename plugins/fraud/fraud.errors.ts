import { GatewayError } from '../../core/plugin-api.ts';

/** A rule's condition does not parse, names something that does not exist, or is not a bool. */
export class FraudRuleInvalidError extends GatewayError {
  readonly expression: string;

  constructor(expression: string, problem: string) {
    super('FRAUD_RULE_INVALID', `The rule's condition is not valid CEL over the fraud features: ${problem}`);
    this.expression = expression;
  }
}
