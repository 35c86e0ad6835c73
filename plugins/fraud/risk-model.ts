import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { AuthorizeDecision } from '../payments/api.ts';
import type { RulesVerdict } from './fraud-rules.ts';
import { KEY_KINDS, type RiskFeatures } from './risk-features.ts';

/**
 * The risk model: a logistic regression over the same RiskFeatures the rules see, trained offline
 * (`npm run fraud:train`, bench/fraud/train-model.ts) and shipped as `risk-model.json`. Scoring
 * is a dot product in process; the reasons are the features that pushed the score up most
 * (weight times the standardized value), so each decision says what the model saw.
 */
export const riskModelSchema = z.strictObject({
  kind: z.literal('logistic-regression'),
  /** What it was trained on, for the reader (seed, attempts, date). */
  trainedOn: z.string(),
  features: z.array(z.string()).min(1),
  means: z.array(z.number()),
  scales: z.array(z.number().positive()),
  weights: z.array(z.number()),
  intercept: z.number(),
  /** Scores (0-100) from which the model alone holds a payment for review, or blocks it. */
  reviewAt: z.number().int().min(0).max(100),
  blockAt: z.number().int().min(0).max(101),
});
export type RiskModel = z.infer<typeof riskModelSchema>;

/** The shipped model (`npm run fraud:train` writes it); a malformed file stops boot. */
export function loadRiskModel(file = new URL('./risk-model.json', import.meta.url)): RiskModel {
  return riskModelSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
}

/** Counts and money on a log scale: the tenth attempt says less than the second. */
const log = (v: bigint | number) => Math.log1p(Math.max(0, Number(v)));

/** The model's inputs by name: the payment's facts and every velocity feature. */
export function modelInputs(f: RiskFeatures): Map<string, number> {
  const inputs = new Map<string, number>([
    ['cash_equivalent', f.cash_equivalent ? 1 : 0],
    ['has_device', f.has_device ? 1 : 0],
    ['has_recipient', f.has_recipient ? 1 : 0],
    ['method_carrier_billing', f.method === 'carrier_billing' ? 1 : 0],
    ['method_card', f.method === 'card' ? 1 : 0],
    ['account_age_hours', log(f.account_age_hours)],
    ['new_account', f.account_age_hours < 24n ? 1 : 0],
    ['amount', log(f.amount)],
  ]);
  for (const kind of KEY_KINDS) {
    for (const [name, value] of f[kind]) {
      inputs.set(`${kind}.${name}`, name.startsWith('cash_pct') ? Number(value) / 100 : log(value));
    }
  }
  return inputs;
}

export interface ModelVerdict {
  readonly probability: number;
  /** 0-100: the fraud probability in percent, rounded. */
  readonly score: number;
  readonly decision: AuthorizeDecision;
  readonly reasons: readonly string[];
}

export function scoreModel(model: RiskModel, features: RiskFeatures): ModelVerdict {
  const inputs = modelInputs(features);
  let z = model.intercept;
  const contributions: { name: string; value: number; push: number }[] = [];
  model.features.forEach((name, i) => {
    const raw = inputs.get(name) ?? 0;
    const push =
      (model.weights[i] as number) * ((raw - (model.means[i] as number)) / (model.scales[i] as number));
    z += push;
    contributions.push({ name, value: raw, push });
  });
  const probability = 1 / (1 + Math.exp(-z));
  const score = Math.round(100 * probability);
  const decision: AuthorizeDecision =
    score >= model.blockAt ? 'block' : score >= model.reviewAt ? 'review' : 'allow';
  const reasons = contributions
    .filter((c) => c.push > 0.5)
    .sort((a, b) => b.push - a.push)
    .slice(0, 3)
    .map((c) => `model: ${c.name} = ${shown(c.name, c.value)} (+${c.push.toFixed(1)})`);
  return { probability, score, decision, reasons };
}

/** The raw value back from its scale, as a person reads it. */
function shown(name: string, value: number): string {
  if (name.includes('cash_pct')) return `${Math.round(value * 100)} %`;
  if (value === 0 || value === 1) return String(value);
  return String(Math.round(Math.expm1(value)));
}

const STRICTNESS: readonly AuthorizeDecision[] = ['allow', 'challenge', 'review', 'block'];

/**
 * Rules and model together: the stricter decision wins, and the score is the higher one. An
 * `allow` rule that matched is the operator's word and overrides the model, as it overrides
 * block and review rules (Radar's order); a challenge it let through stays.
 */
export function combine(rules: RulesVerdict, model: ModelVerdict | null): RulesVerdict {
  if (!model) return rules;
  if (rules.matched.some((m) => m.action === 'allow'))
    return { ...rules, score: Math.max(rules.score, model.score) };
  const decision =
    STRICTNESS.indexOf(model.decision) > STRICTNESS.indexOf(rules.decision) ? model.decision : rules.decision;
  return {
    decision,
    score: Math.max(rules.score, model.score),
    reasons: [
      ...(rules.decision === decision ? rules.reasons : []),
      ...(model.decision === decision && decision !== 'allow' ? model.reasons : []),
    ],
    matched: rules.matched,
  };
}
