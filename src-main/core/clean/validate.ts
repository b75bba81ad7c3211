/** Input checks shared by every confident-learning entry point. */

/** Row-major n×K matrix of predicted class probabilities (row i = sample i). */
export type ProbabilityMatrix = Float64Array | Float32Array;

/**
 * How far a probability may fall outside [0, 1] (cleanlab's check: min ≥ −1e-6 and max ≤ 1 + 1e-6).
 */
export const PROBABILITY_RANGE_TOLERANCE = 1e-6;

/**
 * How far a row of probabilities may sum away from 1. cleanlab itself does not check row sums; we do, because
 * rows that do not sum to 1 almost always mean logits or a wrong column layout. Float32 softmax outputs over
 * thousands of classes stay far inside this bound.
 */
export const ROW_SUM_TOLERANCE = 1e-3;

export interface ValidateOptions {
  /** Require at least two distinct given labels (cleanlab's filters do; scoring alone does not). */
  requireTwoLabelClasses?: boolean;
}

/**
 * Checks labels and probabilities and returns the labels as an Int32Array. Rules: K is an integer ≥ 2;
 * n = labels.length ≥ 1; predProbs.length = n·K; every label is an integer in 0..K−1; every probability is
 * finite and within [−1e-6, 1+1e-6]; every row sums to 1 within ROW_SUM_TOLERANCE. Errors name the 0-based row.
 * Classes without any example are allowed, as in cleanlab (their threshold becomes 2, so nothing is counted
 * into them).
 */
export function validateInputs(
  labels: ArrayLike<number>,
  predProbs: ProbabilityMatrix,
  K: number,
  options: ValidateOptions = {},
): Int32Array {
  if (!Number.isInteger(K) || K < 2) {
    throw new Error(`need at least two classes, got K = ${K}`);
  }
  if (!(predProbs instanceof Float64Array || predProbs instanceof Float32Array)) {
    throw new Error('pred_probs must be a Float64Array or Float32Array (row-major n×K)');
  }
  const n = labels.length;
  if (n === 0) throw new Error('no examples: labels is empty');
  if (predProbs.length !== n * K) {
    throw new Error(
      `pred_probs has ${predProbs.length} values, expected n×K = ${n}×${K} = ${n * K} (one row of K per label)`,
    );
  }
  const out = new Int32Array(n);
  let firstLabel = -1;
  let twoClasses = false;
  for (let i = 0; i < n; i++) {
    const y = labels[i];
    if (!Number.isInteger(y) || y < 0 || y >= K) {
      throw new Error(`row ${i}: label ${y} is not an integer class index in 0..${K - 1}`);
    }
    out[i] = y;
    if (firstLabel < 0) firstLabel = y;
    else if (y !== firstLabel) twoClasses = true;
  }
  if (options.requireTwoLabelClasses && !twoClasses) {
    throw new Error(`labels contain only class ${firstLabel}; need examples of at least two classes`);
  }
  const lo = -PROBABILITY_RANGE_TOLERANCE;
  const hi = 1 + PROBABILITY_RANGE_TOLERANCE;
  for (let i = 0; i < n; i++) {
    const base = i * K;
    let sum = 0;
    for (let j = 0; j < K; j++) {
      const p = predProbs[base + j];
      // One comparison pair catches NaN too (NaN fails both).
      if (!(p >= lo && p <= hi)) {
        if (Number.isNaN(p)) throw new Error(`row ${i}: probability of class ${j} is NaN`);
        if (!Number.isFinite(p)) throw new Error(`row ${i}: probability of class ${j} is ${p}`);
        throw new Error(`row ${i}: probability of class ${j} is ${p}, outside [0, 1]`);
      }
      sum += p;
    }
    if (Math.abs(sum - 1) > ROW_SUM_TOLERANCE) {
      throw new Error(
        `row ${i}: probabilities sum to ${sum}, not 1 (tolerance ${ROW_SUM_TOLERANCE}); pass softmax outputs, not logits`,
      );
    }
  }
  return out;
}

/** Checks a K×K matrix given by the caller (e.g. a confident joint). */
export function validateSquareMatrix(matrix: ArrayLike<ArrayLike<number>>, K: number, name: string): void {
  if (matrix.length !== K) throw new Error(`${name} must be ${K}×${K}, it has ${matrix.length} rows`);
  for (let i = 0; i < K; i++) {
    const row = matrix[i];
    if (!row || row.length !== K) {
      throw new Error(`${name} must be ${K}×${K}, row ${i} has ${row ? row.length : 0} entries`);
    }
    for (let j = 0; j < K; j++) {
      if (!Number.isFinite(row[j])) throw new Error(`${name}[${i}][${j}] is ${row[j]}, not a finite number`);
    }
  }
}
