import { expect, test } from 'vitest';
import { seededRandom } from '../../bench/fraud/attempt-generator.ts';
import { fitLogistic } from '../../bench/fraud/logistic-regression.ts';

test('recovers the sign and order of known weights, and ignores a constant input', () => {
  const random = seededRandom(5);
  const n = 4_000;
  const rows = new Float64Array(n * 3);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const a = random() * 4 - 2;
    const b = random() * 4 - 2;
    rows.set([a, b, 7], i * 3);
    // True model: 3a - 1b - 0.5; labels drawn from its probability.
    labels[i] = random() < 1 / (1 + Math.exp(-(3 * a - b - 0.5))) ? 1 : 0;
  }
  const fit = fitLogistic(rows, 3, labels, { steps: 500, learningRate: 1 });
  const [wa, wb, wc] = fit.weights.map((w, j) => w / fit.scales[j]!);
  expect(wa).toBeGreaterThan(2);
  expect(wb).toBeLessThan(-0.5);
  expect(Math.abs(wa!)).toBeGreaterThan(Math.abs(wb!) * 2);
  expect(wc).toBeCloseTo(0, 6);
  expect(fit.scales[2]).toBe(1);
  // Predictions agree with the labels far better than chance.
  let right = 0;
  for (let i = 0; i < n; i++) {
    let z = fit.intercept;
    for (let j = 0; j < 3; j++) z += fit.weights[j]! * ((rows[i * 3 + j]! - fit.means[j]!) / fit.scales[j]!);
    if (z > 0 === (labels[i] === 1)) right++;
  }
  expect(right / n).toBeGreaterThan(0.75);
});
