/**
 * `npm run fraud:train -- --seed 1 --count 100000`: generates labelled attempts, replays them for
 * their features and writes the trained model to plugins/fraud/risk-model.json, which the plugin
 * loads at boot. Deterministic: the same seed and count give the same file.
 *
 * `--labelled labelled.jsonl` adds the labels people gave in the gateway (exported by `gateway
 * fraud labels --out labelled.jsonl`), each counted `--labelled-weight` times (default 20);
 * `--count 0` trains on them alone.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { assess } from './fraud-dataset.ts';
import { combined, readLabelled, type TrainingData } from './stored-labels.ts';
import { trainModel } from './train-model.ts';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '1' },
    count: { type: 'string', default: '100000' },
    out: { type: 'string', default: 'plugins/fraud/risk-model.json' },
    labelled: { type: 'string' },
    'labelled-weight': { type: 'string', default: '20' },
  },
});
const seed = Number(values.seed);
const count = Number(values.count);
const none: TrainingData = { labels: [], inputs: new Float64Array(0), names: [] };
const generated = count > 0 ? await assess(seed, count, null) : none;
const stored = values.labelled ? readLabelled(values.labelled) : none;
const data = combined(generated, stored, Number(values['labelled-weight']));
if (data.labels.length === 0) throw new Error('nothing to train on: --count 0 and no --labelled file');
const trainedOn = [
  count > 0 ? `generator seed ${seed}, ${count} attempts` : null,
  values.labelled ? `${stored.labels.length} stored labels x ${values['labelled-weight']}` : null,
]
  .filter((part) => part !== null)
  .join(' + ');
const model = trainModel(data, trainedOn);
writeFileSync(values.out, `${JSON.stringify(model, null, 2)}\n`);
process.stdout.write(
  `wrote ${values.out}: ${model.features.length} features, review at ${model.reviewAt}, block at ${model.blockAt}\n`,
);
