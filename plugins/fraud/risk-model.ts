import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { AuthorizeDecision } from '../payments/api.ts';
import type { RulesVerdict } from './fraud-rules.ts';
import { FEATURE_METRICS, KEY_KINDS, type RiskFeatures, WINDOW_NAMES } from './risk-features.ts';

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

/** One input of the model: its name, and how it is read from the features. */
interface ModelInput {
  readonly name: string;
  readonly read: (f: RiskFeatures) => number;
}

/** The velocity maps' keys, in their order (risk-features.ts builds the maps window by window). */
const VELOCITY_KEYS = WINDOW_NAMES.flatMap((window) =>
  FEATURE_METRICS.map((metric) => `${metric}_${window}`),
);

/**
 * Every input the model can weigh, in the order training lists them: the payment's facts, then
 * every velocity feature (`customer.count_10m`, ...). Built once, names included: scoring reads
 * them for every payment, and a replay scores hundreds of thousands.
 */
const MODEL_INPUTS: readonly ModelInput[] = [
  { name: 'cash_equivalent', read: (f) => (f.cash_equivalent ? 1 : 0) },
  { name: 'has_device', read: (f) => (f.has_device ? 1 : 0) },
  { name: 'has_recipient', read: (f) => (f.has_recipient ? 1 : 0) },
  { name: 'method_carrier_billing', read: (f) => (f.method === 'carrier_billing' ? 1 : 0) },
  { name: 'method_card', read: (f) => (f.method === 'card' ? 1 : 0) },
  { name: 'account_age_hours', read: (f) => log(f.account_age_hours) },
  { name: 'new_account', read: (f) => (f.account_age_hours < 24n ? 1 : 0) },
  { name: 'amount', read: (f) => log(f.amount) },
  ...KEY_KINDS.flatMap((kind) =>
    VELOCITY_KEYS.map(
      (key): ModelInput => ({
        name: `${kind}.${key}`,
        read: key.startsWith('cash_pct')
          ? (f) => Number(f[kind].get(key) ?? 0n) / 100
          : (f) => log(f[kind].get(key) ?? 0n),
      }),
    ),
  ),
];

/** The model's inputs by name: the payment's facts and every velocity feature. */
export function modelInputs(f: RiskFeatures): Map<string, number> {
  return new Map(MODEL_INPUTS.map(({ name, read }) => [name, read(f)]));
}

/** Per model, the reader of each of its features in its order (0 for a name it does not know). */
const readers = new WeakMap<RiskModel, readonly ModelInput['read'][]>();

function readersOf(model: RiskModel): readonly ModelInput['read'][] {
  let read = readers.get(model);
  if (!read) {
    const byName = new Map(MODEL_INPUTS.map(({ name, read }) => [name, read]));
    read = model.features.map((name) => byName.get(name) ?? (() => 0));
    readers.set(model, read);
  }
  return read;
}

export interface ModelVerdict {
  readonly probability: number;
  /** 0-100: the fraud probability in percent, rounded. */
  readonly score: number;
  readonly decision: AuthorizeDecision;
  readonly reasons: readonly string[];
}

export function scoreModel(model: RiskModel, features: RiskFeatures): ModelVerdict {
  const read = readersOf(model);
  let z = model.intercept;
  // Only the features that pushed the score up by more than 0.5 can be reasons.
  const pushing: { name: string; value: number; push: number }[] = [];
  for (let i = 0; i < read.length; i++) {
    const raw = (read[i] as ModelInput['read'])(features);
    const push =
      (model.weights[i] as number) * ((raw - (model.means[i] as number)) / (model.scales[i] as number));
    z += push;
    if (push > 0.5) pushing.push({ name: model.features[i] as string, value: raw, push });
  }
  const probability = 1 / (1 + Math.exp(-z));
  const score = Math.round(100 * probability);
  const decision: AuthorizeDecision =
    score >= model.blockAt ? 'block' : score >= model.reviewAt ? 'review' : 'allow';
  const reasons = pushing
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
