/**
 * Temperature scaling (Guo et al., "On Calibration of Modern Neural Networks", ICML 2017) and the
 * expected calibration error. Probabilities are n×K row-major; the temperature acts on their logs,
 * softmax(log p / T), which is the same as dividing the network's logits by T.
 */

/** Smallest probability taken into a log, so a zero never makes an infinite logit. */
const MIN_PROB = 1e-7;
/** Search range of the inverse temperature 1/T (T from 0.05 to 20). */
const MIN_INVERSE = 0.05;
const MAX_INVERSE = 20;

function checkShape(probs: ArrayLike<number>, n: number, k: number, what: string): void {
  if (!Number.isInteger(k) || k < 2) throw new Error(`${what}: need at least 2 classes, got ${k}`);
  if (!Number.isInteger(n) || probs.length !== n * k) {
    throw new Error(`${what}: ${probs.length} probabilities are not ${n} rows of ${k} classes`);
  }
}

function checkLabels(labels: ArrayLike<number>, k: number, what: string): void {
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i];
    if (!Number.isInteger(l) || l < 0 || l >= k) {
      throw new Error(`${what}: label of row ${i} is ${l}; expected 0..${k - 1}`);
    }
  }
}

const logOf = (p: number) => Math.log(Math.max(MIN_PROB, p));

/**
 * Mean negative log-likelihood of the labels under softmax(β · log p) and its first two derivatives in
 * β. As a function of β it is convex (a log-sum-exp of affine functions minus a linear term).
 */
function nllAndDerivatives(
  probs: ArrayLike<number>,
  labels: ArrayLike<number>,
  k: number,
  beta: number,
): { nll: number; d1: number; d2: number } {
  let nll = 0;
  let d1 = 0;
  let d2 = 0;
  const z = new Float64Array(k);
  for (let i = 0; i < labels.length; i++) {
    let max = -Infinity;
    for (let c = 0; c < k; c++) {
      z[c] = logOf(probs[i * k + c]);
      max = Math.max(max, beta * z[c]);
    }
    let sum = 0;
    let mean = 0;
    let meanSq = 0;
    for (let c = 0; c < k; c++) {
      const e = Math.exp(beta * z[c] - max);
      sum += e;
      mean += e * z[c];
      meanSq += e * z[c] * z[c];
    }
    mean /= sum;
    meanSq /= sum;
    const zy = z[labels[i]];
    nll += max + Math.log(sum) - beta * zy;
    d1 += mean - zy;
    d2 += meanSq - mean * mean;
  }
  const n = labels.length;
  return { nll: nll / n, d1: d1 / n, d2: d2 / n };
}

/**
 * The temperature T that minimises the negative log-likelihood of `labels` under softmax(log p / T),
 * found by safeguarded Newton steps on β = 1/T within [1/20, 1/0.05]. Only the rows given are used:
 * pass held-out (validation) rows, never the rows the temperature will be applied to.
 */
export function fitTemperature(probs: ArrayLike<number>, labels: ArrayLike<number>, k: number): number {
  checkShape(probs, labels.length, k, 'fitTemperature');
  checkLabels(labels, k, 'fitTemperature');
  if (labels.length === 0) throw new Error('fitTemperature: no rows to fit on');
  let lo = MIN_INVERSE;
  let hi = MAX_INVERSE;
  let beta = 1;
  for (let iter = 0; iter < 100; iter++) {
    const { d1, d2 } = nllAndDerivatives(probs, labels, k, beta);
    if (Math.abs(d1) < 1e-10) break;
    // d1 is increasing in β (convexity): keep the bracket around its zero.
    if (d1 > 0) hi = beta;
    else lo = beta;
    const newton = d2 > 0 ? beta - d1 / d2 : Number.NaN;
    const next = newton > lo && newton < hi ? newton : (lo + hi) / 2;
    if (Math.abs(next - beta) < 1e-9 * beta) {
      beta = next;
      break;
    }
    beta = next;
  }
  return 1 / beta;
}

/** softmax(log p / T) of every row, as a new array; each row sums to 1. */
export function applyTemperature(probs: ArrayLike<number>, k: number, temperature: number): Float32Array {
  if (!(temperature > 0) || !Number.isFinite(temperature))
    throw new Error(`temperature must be a positive number, got ${temperature}`);
  checkShape(probs, probs.length / k, k, 'applyTemperature');
  const out = new Float32Array(probs.length);
  const beta = 1 / temperature;
  const z = new Float64Array(k);
  for (let r = 0; r < probs.length; r += k) {
    let max = -Infinity;
    for (let c = 0; c < k; c++) {
      z[c] = beta * logOf(probs[r + c]);
      max = Math.max(max, z[c]);
    }
    let sum = 0;
    for (let c = 0; c < k; c++) {
      z[c] = Math.exp(z[c] - max);
      sum += z[c];
    }
    for (let c = 0; c < k; c++) out[r + c] = z[c] / sum;
  }
  return out;
}

export interface CalibrationSummary {
  /** Expected calibration error: Σ_bins (n_b / n) · |accuracy_b − confidence_b| over equal-width confidence bins. */
  ece: number;
  /** Mean top-class probability; above the accuracy means over-confident. */
  meanConfidence: number;
  accuracy: number;
}

/**
 * Expected calibration error of the top-class probability against `labels`, with `bins` equal-width
 * confidence bins on [0, 1] (15 as in Guo et al.); a confidence of exactly 1 falls in the last bin.
 * Rows holding NaN (no prediction) are skipped. Ties in the top class go to the lowest class id.
 */
export function calibrationSummary(
  probs: ArrayLike<number>,
  labels: ArrayLike<number>,
  k: number,
  bins = 15,
): CalibrationSummary {
  checkShape(probs, labels.length, k, 'calibrationSummary');
  checkLabels(labels, k, 'calibrationSummary');
  if (!Number.isInteger(bins) || bins < 1) throw new Error(`bins must be an integer ≥ 1, got ${bins}`);
  const count = new Float64Array(bins);
  const confidence = new Float64Array(bins);
  const correct = new Float64Array(bins);
  let n = 0;
  for (let i = 0; i < labels.length; i++) {
    const r = i * k;
    if (Number.isNaN(probs[r])) continue;
    let best = 0;
    for (let c = 1; c < k; c++) if (probs[r + c] > probs[r + best]) best = c;
    const p = probs[r + best];
    const b = Math.min(bins - 1, Math.floor(p * bins));
    count[b]++;
    confidence[b] += p;
    if (best === labels[i]) correct[b]++;
    n++;
  }
  if (n === 0) throw new Error('calibrationSummary: no rows with predictions');
  let ece = 0;
  for (let b = 0; b < bins; b++) ece += Math.abs(correct[b] - confidence[b]);
  const sum = (a: Float64Array) => a.reduce((s, v) => s + v, 0);
  return { ece: ece / n, meanConfidence: sum(confidence) / n, accuracy: sum(correct) / n };
}
