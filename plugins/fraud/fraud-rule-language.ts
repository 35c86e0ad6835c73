import { CelScalar, celEnv, isCelError, mapType, parse, plan } from '@bufbuild/cel';
import { KEY_KINDS, type RiskFeatures, riskFeatures } from './risk-features.ts';

/**
 * The rule language: CEL (cel.dev) through `@bufbuild/cel`, over the variables of RiskFeatures.
 * A rule is a boolean expression, e.g.
 * `cash_equivalent && customer.same_amount_24h >= 3 && customer.count_10m >= 2`.
 */
const velocity = mapType(CelScalar.STRING, CelScalar.INT);
const VARIABLES = {
  amount: CelScalar.INT,
  currency: CelScalar.STRING,
  method: CelScalar.STRING,
  category: CelScalar.STRING,
  cash_equivalent: CelScalar.BOOL,
  has_device: CelScalar.BOOL,
  has_recipient: CelScalar.BOOL,
  account_age_hours: CelScalar.INT,
  customer: velocity,
  device: velocity,
  ip: velocity,
  instrument: velocity,
  recipient: velocity,
} as const;

const env = celEnv({ variables: VARIABLES });

/** A node of a parsed expression (the CEL syntax tree's `Expr`). */
type Expr = ReturnType<typeof parse>['expr'];

/** A compiled rule condition: true when the rule matches. */
export type RuleCondition = (features: RiskFeatures) => boolean;

export class RuleLanguageError extends Error {}

/**
 * Bindings with every variable and every velocity key present, so that evaluating a
 * sub-expression can only fail for its types or names, not for a missing value. Velocity
 * values are 1 so that a division by one of them does not fail for its value.
 */
const PROBE: RiskFeatures = (() => {
  const features = riskFeatures(
    {
      id: '',
      paymentId: '',
      merchantId: '',
      customerId: '',
      method: 'wallet',
      amount: 1n,
      currency: 'KRW',
      category: 'other',
      device: null,
      ip: null,
      instrument: '',
      recipient: null,
      recipientSealed: null,
    },
    { category: 'other', cashEquivalent: true, windows: new Map(), customerSince: null, at: new Date(0) },
  );
  for (const kind of KEY_KINDS) for (const key of features[kind].keys()) features[kind].set(key, 1n);
  return features;
})();

// Errors that mean the expression is wrong whatever the values: a name, a key or an operand type.
const TYPE_ERROR =
  /no matching overload|unresolved|undeclared|not found|no such key|no such field|unsupported/i;

/**
 * Parses and type-checks a rule condition. `@bufbuild/cel` 0.6 has no public type checker, so
 * every call and field selection of the expression is planned and evaluated on its own against
 * PROBE, which binds every variable with a value of its declared type: an unknown name or key,
 * or an operator applied to the wrong types, fails there whatever branch a real payment would
 * take. The whole expression must then give a bool. (Sub-expressions inside comprehensions,
 * which bind their own variables, are checked only as part of the whole.)
 */
export function compileCondition(source: string): RuleCondition {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(source);
  } catch (error) {
    throw new RuleLanguageError(`syntax: ${(error as Error).message}`);
  }
  for (const node of checkedNodes(parsed.expr)) {
    const result = plan(env, node)(PROBE);
    if (isCelError(result) && TYPE_ERROR.test(result.message)) throw new RuleLanguageError(result.message);
  }
  const evaluate = plan(env, parsed);
  const probed = evaluate(PROBE);
  if (typeof probed !== 'boolean' && !(isCelError(probed) && !TYPE_ERROR.test(probed.message))) {
    throw new RuleLanguageError(
      isCelError(probed)
        ? probed.message
        : `a rule must be a bool expression, this one gives ${typeof probed}`,
    );
  }
  // A value error at run time (a division by zero) means the rule does not match.
  return (features) => evaluate(features) === true;
}

/** Calls and selections outside comprehensions, innermost first. */
function* checkedNodes(expr: Expr | undefined): Generator<Expr> {
  if (!expr) return;
  const kind = expr.exprKind;
  switch (kind.case) {
    case 'selectExpr':
      yield* checkedNodes(kind.value.operand);
      yield expr;
      return;
    case 'callExpr':
      yield* checkedNodes(kind.value.target);
      for (const arg of kind.value.args) yield* checkedNodes(arg);
      yield expr;
      return;
    case 'listExpr':
      for (const element of kind.value.elements) yield* checkedNodes(element);
      return;
    default:
      return;
  }
}
