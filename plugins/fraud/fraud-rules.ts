import type { AuthorizeVerdict } from '../payments/api.ts';
import { compileCondition, type RuleCondition } from './fraud-rule-language.ts';
import type { RiskFeatures } from './risk-features.ts';

/** What a matching rule does; also the order rules are evaluated in (Stripe Radar's). */
export const RULE_ACTIONS = ['challenge', 'allow', 'block', 'review'] as const;
export type RuleAction = (typeof RULE_ACTIONS)[number];

/** One version of a rule, as stored. */
export interface FraudRuleVersion {
  readonly id: string;
  readonly version: number;
  /** Null: every merchant the fraud plugin is enabled for. */
  readonly merchantId: string | null;
  readonly name: string;
  readonly action: RuleAction;
  /** A CEL condition over RiskFeatures (docs/fraud.md). */
  readonly expression: string;
  /** Plain words shown to the caller and the reviewer when the rule matches. */
  readonly reason: string;
  /** 0-100: the risk the rule's match stands for. */
  readonly score: number;
  readonly enabled: boolean;
  readonly createdAt: Date;
  /** `built-in`, or the principal who saved the version (`operator:<key id>`). */
  readonly createdBy: string;
}

export interface CompiledRule {
  readonly rule: FraudRuleVersion;
  readonly matches: RuleCondition;
}

export const compileRule = (rule: FraudRuleVersion): CompiledRule => ({
  rule,
  matches: compileCondition(rule.expression),
});

/** A decision with the rules that made it. */
export interface RulesVerdict extends AuthorizeVerdict {
  readonly matched: readonly { readonly id: string; readonly version: number; readonly action: RuleAction }[];
}

/**
 * Radar's order. `challenge` rules come first: a match asks the payer for proof (3-D Secure in
 * Radar, a TOTP step-up here) and evaluation goes on. Then the first action with a match of
 * `allow`, `block`, `review` decides: `allow` lets the payment through whatever block or review
 * rules say (after the challenge, if one matched); `block` refuses; `review` holds it for a
 * person, who needs no challenge. Without any match: allow. The score is the highest of the
 * matching rules' (0 without a match), so an allowed payment still shows how risky it looked;
 * the reasons are those of the rules of the decision's action.
 */
export function decide(
  rules: readonly CompiledRule[],
  merchantId: string,
  features: RiskFeatures,
): RulesVerdict {
  const matched = rules.filter(
    ({ rule, matches }) =>
      rule.enabled && (rule.merchantId === null || rule.merchantId === merchantId) && matches(features),
  );
  const any = (action: RuleAction) => matched.some(({ rule }) => rule.action === action);
  const terminal = (['allow', 'block', 'review'] as const).find(any);
  const decision: RuleAction =
    terminal === 'block' || terminal === 'review' ? terminal : any('challenge') ? 'challenge' : 'allow';
  return {
    decision,
    score: Math.max(0, ...matched.map(({ rule }) => rule.score)),
    reasons: matched.filter(({ rule }) => rule.action === decision).map(({ rule }) => rule.reason),
    matched: matched.map(({ rule }) => ({ id: rule.id, version: rule.version, action: rule.action })),
  };
}
