/**
 * `npm run fraud:eval`: trains the model on one generator seed and measures rules alone, the
 * model alone and both (as the gateway combines them) on attempts from another seed, which the
 * model never saw. Writes bench/results/fraud-eval.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { FRAUD_KINDS } from './attempt-generator.ts';
import { assess } from './fraud-dataset.ts';
import { trainModel } from './train-model.ts';

const { values } = parseArgs({
  options: {
    'train-seed': { type: 'string', default: '1' },
    'test-seed': { type: 'string', default: '2' },
    count: { type: 'string', default: '60000' },
    out: { type: 'string', default: 'bench/results/fraud-eval.json' },
  },
});
const count = Number(values.count);
const trainSeed = Number(values['train-seed']);
const testSeed = Number(values['test-seed']);

const model = trainModel(
  await assess(trainSeed, count, null),
  `generator seed ${trainSeed}, ${count} attempts`,
);
const test = await assess(testSeed, count, model);
const fraud = test.labels.map((l) => l.fraud);

interface Rates {
  precision: number;
  recall: number;
  fpr: number;
}

function rates(flagged: readonly boolean[], among: (i: number) => boolean = () => true): Rates {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  flagged.forEach((f, i) => {
    if (fraud[i] && !among(i)) return;
    if (fraud[i]) f ? tp++ : fn++;
    else f ? fp++ : tn++;
  });
  const r = (v: number) => Number(v.toFixed(4));
  return {
    precision: r(tp / Math.max(1, tp + fp)),
    recall: r(tp / Math.max(1, tp + fn)),
    fpr: r(fp / Math.max(1, fp + tn)),
  };
}

/** Recall when the threshold on `score` lets at most 1 % of honest attempts through as flagged. */
function recallAtFpr(
  score: readonly number[],
  fpr: number,
  among: (i: number) => boolean = () => true,
): number {
  const honest = score.filter((_, i) => !fraud[i]).sort((a, b) => b - a);
  const threshold = honest[Math.floor(fpr * honest.length)] ?? 0;
  const positives = score.filter((_, i) => fraud[i] && among(i));
  return Number((positives.filter((s) => s > threshold).length / Math.max(1, positives.length)).toFixed(4));
}

const flaggedBy = (verdicts: readonly { decision: string }[]) => verdicts.map((v) => v.decision !== 'allow');
const rules = flaggedBy(test.rules);
const modelFlags = flaggedBy(test.model);
const combined = flaggedBy(test.combined);
// Both as one ranking: the rules' score and the model's probability, whichever says more.
const combinedScore = test.rules.map((r, i) => Math.max(r.score / 100, test.model[i]!.probability));
const modelScore = test.model.map((m) => m.probability);

const byKind = Object.fromEntries(
  FRAUD_KINDS.map((kind) => {
    const of = (i: number) => test.labels[i]!.kind === kind;
    return [
      kind,
      {
        attempts: test.labels.filter((l) => l.kind === kind).length,
        rulesRecall: rates(rules, of).recall,
        modelRecall: rates(modelFlags, of).recall,
        combinedRecall: rates(combined, of).recall,
        modelRecallAtFpr1: recallAtFpr(modelScore, 0.01, of),
        combinedRecallAtFpr1: recallAtFpr(combinedScore, 0.01, of),
      },
    ];
  }),
);

const result = {
  trainSeed,
  testSeed,
  attempts: count,
  fraudAttempts: fraud.filter(Boolean).length,
  model: {
    ...rates(modelFlags),
    recallAtFpr1: recallAtFpr(modelScore, 0.01),
    reviewAt: model.reviewAt,
    blockAt: model.blockAt,
  },
  rules: rates(rules),
  combined: { ...rates(combined), recallAtFpr1: recallAtFpr(combinedScore, 0.01) },
  byKind,
};
mkdirSync('bench/results', { recursive: true });
writeFileSync(values.out, `${JSON.stringify(result, null, 2)}\n`);
process.stdout.write(`${JSON.stringify(result, null, 2)}\nwrote ${values.out}\n`);
