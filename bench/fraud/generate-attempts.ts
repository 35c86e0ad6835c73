/**
 * `npm run fraud:generate -- --seed 1 --count 400000 --out attempts.jsonl --labels labels.jsonl`:
 * writes the replay's input (one attempt a line, in time order) and, apart, the labels.
 */

import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { parseArgs } from 'node:util';
import { AttemptGenerator } from './attempt-generator.ts';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '1' },
    count: { type: 'string', default: '100000' },
    out: { type: 'string', default: 'attempts.jsonl' },
    labels: { type: 'string', default: 'labels.jsonl' },
  },
});

async function writeLines(file: string, rows: readonly object[]): Promise<void> {
  const stream = createWriteStream(file);
  for (const row of rows) {
    if (!stream.write(`${JSON.stringify(row)}\n`)) await once(stream, 'drain');
  }
  stream.end();
  await once(stream, 'finish');
}

const { attempts, labels } = new AttemptGenerator(Number(values.seed)).generate(Number(values.count));
await writeLines(values.out, attempts);
await writeLines(values.labels, labels);
const fraud = labels.filter((l) => l.fraud).length;
process.stdout.write(
  `${attempts.length} attempts (${fraud} fraud) to ${values.out}, labels to ${values.labels}\n`,
);
