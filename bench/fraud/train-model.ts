import { type RiskModel, riskModelSchema } from '../../plugins/fraud/risk-model.ts';
import type { Assessed } from './fraud-dataset.ts';
import { fitLogistic } from './logistic-regression.ts';

/** The model alone holds for review at most this share of honest attempts (on its training data), and blocks at most BLOCK_FPR. */
const REVIEW_FPR = 0.01;
const BLOCK_FPR = 0.001;

/** Fits the risk model on assessed attempts and sets its thresholds on the same data. */
export function trainModel(
  data: Pick<Assessed, 'labels' | 'inputs' | 'names'>,
  trainedOn: string,
): RiskModel {
  const labels = Uint8Array.from(data.labels, (l) => (l.fraud ? 1 : 0));
  const fit = fitLogistic(data.inputs, data.names.length, labels, {
    steps: 400,
    learningRate: 1,
    positiveWeight: 5,
  });
  const width = data.names.length;
  const honestScores: number[] = [];
  data.labels.forEach((label, i) => {
    if (label.fraud) return;
    let z = fit.intercept;
    for (let j = 0; j < width; j++) {
      z += fit.weights[j]! * ((data.inputs[i * width + j]! - fit.means[j]!) / fit.scales[j]!);
    }
    honestScores.push(Math.round(100 / (1 + Math.exp(-z))));
  });
  const lowestScoreWithin = (fpr: number) => {
    for (let s = 1; s <= 100; s++) {
      if (honestScores.filter((h) => h >= s).length <= fpr * honestScores.length) return s;
    }
    return 101;
  };
  return riskModelSchema.parse({
    kind: 'logistic-regression',
    trainedOn,
    features: data.names,
    means: fit.means.map(round),
    scales: fit.scales.map(round),
    weights: fit.weights.map(round),
    intercept: round(fit.intercept),
    reviewAt: lowestScoreWithin(REVIEW_FPR),
    blockAt: lowestScoreWithin(BLOCK_FPR),
  });
}

/** Six significant digits: the shipped file stays small and readable in a diff. */
const round = (v: number) => Number(v.toPrecision(6));
