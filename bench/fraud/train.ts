/**
 * `npm run fraud:train -- --seed 1 --count 100000`: generates labelled attempts, replays them for
 * their features and writes the trained model to plugins/fraud/risk-model.json, which the plugin
 * loads at boot. Deterministic: the same seed and count give the same file.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { assess } from './fraud-dataset.ts';
import { trainModel } from './train-model.ts';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '1' },
    count: { type: 'string', default: '100000' },
    out: { type: 'string', default: 'plugins/fraud/risk-model.json' },
  },
});
const seed = Number(values.seed);
const count = Number(values.count);
const model = trainModel(await assess(seed, count, null), `generator seed ${seed}, ${count} attempts`);
writeFileSync(values.out, `${JSON.stringify(model, null, 2)}\n`);
process.stdout.write(
  `wrote ${values.out}: ${model.features.length} features, review at ${model.reviewAt}, block at ${model.blockAt}\n`,
);
