import { BUILT_IN_RULES } from '../../plugins/fraud/built-in-rules.ts';
import { FraudReplay } from '../../plugins/fraud/fraud-replay.ts';
import { compileRule } from '../../plugins/fraud/fraud-rules.ts';
import { modelInputs, type RiskModel } from '../../plugins/fraud/risk-model.ts';
import { AttemptGenerator, type AttemptLabel } from './attempt-generator.ts';

/** The plugin's default cash-equivalent categories. */
export const CASH_CATEGORIES = ['gift_card', 'prepaid', 'game'];

export interface Assessed {
  readonly labels: AttemptLabel[];
  /** The model's inputs, `names.length` per attempt. */
  readonly inputs: Float64Array;
  readonly names: string[];
  readonly rules: { decision: string; score: number }[];
  readonly model: { decision: string; probability: number }[];
  readonly combined: { decision: string; score: number }[];
}

/**
 * Generates `count` attempts from `seed` and replays them through the gateway's own replay
 * (built-in rules, and `model` if given), keeping what training and evaluation need.
 */
export async function assess(seed: number, count: number, model: RiskModel | null): Promise<Assessed> {
  const { attempts, labels } = new AttemptGenerator(seed).generate(count);
  const replay = new FraudReplay(BUILT_IN_RULES.map(compileRule), model, CASH_CATEGORIES);
  let names: string[] = [];
  let inputs = new Float64Array(0);
  const out: Omit<Assessed, 'labels' | 'inputs' | 'names'> = { rules: [], model: [], combined: [] };
  for (const [n, attempt] of attempts.entries()) {
    const a = await replay.assess(attempt);
    const row = modelInputs(a.features);
    if (n === 0) {
      names = [...row.keys()];
      inputs = new Float64Array(count * names.length);
    }
    names.forEach((name, j) => {
      inputs[n * names.length + j] = row.get(name) ?? 0;
    });
    out.rules.push({ decision: a.rules.decision, score: a.rules.score });
    out.model.push({ decision: a.model?.decision ?? 'allow', probability: a.model?.probability ?? 0 });
    out.combined.push({ decision: a.combined.decision, score: a.combined.score });
  }
  return { labels, inputs, names, ...out };
}
