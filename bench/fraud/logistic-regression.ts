/**
 * Binary logistic regression by full-batch gradient descent on standardized inputs, with an
 * intercept and L2 regularization. Small on purpose: `ml-logistic-regression` 2.0.0 has no
 * intercept, trains one-vs-all (two models for a binary label) over `ml-matrix` copies on every
 * step, and ships no types; this is the same method in typed arrays
 * (test/bench/logistic-regression.test.ts).
 */
export interface LogisticFit {
  readonly means: number[];
  readonly scales: number[];
  readonly weights: number[];
  readonly intercept: number;
}

export interface FitOptions {
  readonly steps?: number;
  readonly learningRate?: number;
  readonly l2?: number;
  /** Weight of a positive example in the loss (the positives are rare). */
  readonly positiveWeight?: number;
}

/** `rows` are `width` inputs each, row after row. */
export function fitLogistic(
  rows: Float64Array,
  width: number,
  labels: Uint8Array,
  options: FitOptions = {},
): LogisticFit {
  const { steps = 300, learningRate = 0.5, l2 = 1e-4, positiveWeight = 1 } = options;
  const n = labels.length;
  const means = new Array<number>(width).fill(0);
  const scales = new Array<number>(width).fill(0);
  for (let i = 0; i < n; i++) for (let j = 0; j < width; j++) means[j]! += rows[i * width + j]! / n;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < width; j++) scales[j]! += (rows[i * width + j]! - means[j]!) ** 2 / n;
  }
  // A constant input (every customer key counts one customer) keeps scale 1, not a rounding error's.
  for (let j = 0; j < width; j++) scales[j] = scales[j]! > 1e-9 ? Math.sqrt(scales[j]!) : 1;
  const x = new Float64Array(rows.length);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < width; j++) x[i * width + j] = (rows[i * width + j]! - means[j]!) / scales[j]!;
  }
  const weights = new Float64Array(width);
  let intercept = 0;
  const gradient = new Float64Array(width);
  let total = 0;
  for (let i = 0; i < n; i++) total += labels[i] ? positiveWeight : 1;
  for (let step = 0; step < steps; step++) {
    gradient.fill(0);
    let gradientIntercept = 0;
    for (let i = 0; i < n; i++) {
      let z = intercept;
      for (let j = 0; j < width; j++) z += weights[j]! * x[i * width + j]!;
      const weight = labels[i] ? positiveWeight : 1;
      const error = (1 / (1 + Math.exp(-z)) - labels[i]!) * weight;
      gradientIntercept += error;
      for (let j = 0; j < width; j++) gradient[j]! += error * x[i * width + j]!;
    }
    intercept -= (learningRate * gradientIntercept) / total;
    for (let j = 0; j < width; j++) weights[j]! -= learningRate * (gradient[j]! / total + l2 * weights[j]!);
  }
  return { means, scales, weights: [...weights], intercept };
}
