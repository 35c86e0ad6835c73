import { readFileSync } from 'node:fs';
import type { LabelledAttempt } from '../../plugins/fraud/fraud-labels-command.ts';
import { loadFeatures } from '../../plugins/fraud/risk-features.ts';
import { modelInputs } from '../../plugins/fraud/risk-model.ts';
import type { Assessed } from './fraud-dataset.ts';

/** What training reads: labels and the model's inputs (trainModel needs nothing else). */
export type TrainingData = Pick<Assessed, 'labels' | 'inputs' | 'names'>;

/**
 * The labels people gave in the gateway (`gateway fraud labels --out FILE`), as training data:
 * each line's stored features become the model's inputs through the same `modelInputs` the
 * live scoring uses, so a stored label trains exactly what the model saw.
 */
export function readLabelled(path: string): TrainingData {
  const lines = readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '');
  const rows = lines.map((line) => JSON.parse(line) as LabelledAttempt);
  let names: string[] = [];
  const values: number[] = [];
  for (const [n, row] of rows.entries()) {
    const inputs = modelInputs(loadFeatures(row.features));
    if (n === 0) names = [...inputs.keys()];
    for (const name of names) values.push(inputs.get(name) ?? 0);
  }
  return {
    labels: rows.map((row) => ({ id: row.id, fraud: row.fraud, kind: row.kind })),
    inputs: Float64Array.from(values),
    names,
  };
}

/**
 * Generated and stored data together. Each stored label counts `weight` times: a few hundred
 * reviewed attempts would otherwise vanish among a hundred thousand generated ones.
 */
export function combined(generated: TrainingData, stored: TrainingData, weight: number): TrainingData {
  if (stored.labels.length === 0) return generated;
  if (generated.labels.length === 0) return stored;
  if (stored.names.join() !== generated.names.join()) {
    throw new Error('the stored labels’ features are not the model inputs of this version');
  }
  const labels = [...generated.labels];
  const inputs = new Float64Array(generated.inputs.length + stored.inputs.length * weight);
  inputs.set(generated.inputs);
  for (let w = 0; w < weight; w++) {
    inputs.set(stored.inputs, generated.inputs.length + w * stored.inputs.length);
    labels.push(...stored.labels);
  }
  return { labels, inputs, names: generated.names };
}
