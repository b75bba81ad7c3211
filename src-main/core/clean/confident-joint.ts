/**
 * The confident joint C[given][true] of confident learning (cleanlab `count.py`): per-class thresholds,
 * confident counting, calibration, the normalised joint and the number of label issues.
 */
import { groupedSelfConfidence, indexRowsByClass, labelCounts, type ClassIndex } from './class-index';
import { dropIssuesCloseToGivenLabel } from './close-to-given-label';
import { pairwiseSum, rint } from './numpy-float';
import { FLOATING_POINT_COMPARISON, roundPreservingRowTotals } from './round-preserving';
import { validateInputs, validateSquareMatrix, type ProbabilityMatrix } from './validate';

/** Lower bound of a per-class threshold (cleanlab's `CONFIDENT_THRESHOLDS_LOWER_BOUND` = 2e-6). */
export const CONFIDENT_THRESHOLDS_LOWER_BOUND = 2 * FLOATING_POINT_COMPARISON;
/** Threshold of a class that no example is labelled with: no probability reaches it. */
const MISSING_CLASS_THRESHOLD = 2;
/** Guard against division by zero (cleanlab's `TINY_VALUE`). */
export const TINY_VALUE = 1e-100;

export interface ConfidentJointResult {
  /** K×K counts, rows = given label, columns = estimated true label. */
  joint: number[][];
  /** Per-class thresholds t[k] = mean p(k | x) over the examples labelled k, at least 2e-6. */
  thresholds: number[];
}

export interface ConfidentJointOptions {
  /** Rescale the counts so each row sums to that class's label count and the total to n (default true). */
  calibrate?: boolean;
  /** Use these per-class thresholds instead of the mean self-confidence per class. */
  thresholds?: ArrayLike<number>;
}

/**
 * Per-class confident thresholds: t[k] = max(mean_{i: y_i = k} p[i][k], 2e-6), the mean summed in numpy's
 * pairwise order over the rows of class k in ascending order; t[k] = 2 for a class with no examples.
 * `selfConfidence` is `groupedSelfConfidence(probs, labels, index)`.
 */
export function confidentThresholds(selfConfidence: Float64Array, index: ClassIndex): number[] {
  const { K, counts, start } = index;
  const thresholds = new Array<number>(K);
  for (let k = 0; k < K; k++) {
    const m = counts[k];
    if (m === 0) {
      thresholds[k] = MISSING_CLASS_THRESHOLD;
      continue;
    }
    const mean = (0 + pairwiseSum(selfConfidence, start[k], m, 1)) / m;
    thresholds[k] = Math.max(mean, CONFIDENT_THRESHOLDS_LOWER_BOUND);
  }
  return thresholds;
}

/** Public form of `confidentThresholds` (cleanlab `get_confident_thresholds`). */
export function getConfidentThresholds(
  labels: ArrayLike<number>,
  predProbs: ProbabilityMatrix,
  K: number,
): number[] {
  const y = validateInputs(labels, predProbs, K);
  const index = indexRowsByClass(y, K);
  return confidentThresholds(groupedSelfConfidence(predProbs, y, index), index);
}

/**
 * Confident counting. Row i is confident in class j when p[i][j] ≥ t[j] − 1e-6. Rows confident in no class are
 * skipped; a row confident in exactly one class j counts toward C[y_i][j]; a row confident in several counts
 * toward C[y_i][argmax_j p[i][j]] (first maximum over all classes). When `offDiagonal` is given, it receives 1
 * for every counted row whose estimated true class differs from its given label. Returns raw counts (K·K,
 * row-major), before cleanlab's "diagonal at least 1" rule.
 */
export function countConfident(
  probs: ProbabilityMatrix,
  labels: Int32Array,
  K: number,
  thresholds: ArrayLike<number>,
  offDiagonal: Uint8Array | null = null,
): Float64Array {
  const n = labels.length;
  const cut = new Float64Array(K);
  for (let j = 0; j < K; j++) cut[j] = thresholds[j] - 1e-6;
  const counts = new Float64Array(K * K);
  for (let i = 0; i < n; i++) {
    const base = i * K;
    let confident = 0;
    let firstConfident = -1;
    let best = probs[base];
    let argmax = 0;
    for (let j = 0; j < K; j++) {
      const p = probs[base + j];
      if (p >= cut[j]) {
        if (confident === 0) firstConfident = j;
        confident++;
      }
      if (p > best) {
        best = p;
        argmax = j;
      }
    }
    if (confident === 0) continue;
    const guess = confident > 1 ? argmax : firstConfident;
    const y = labels[i];
    counts[y * K + guess]++;
    if (offDiagonal && guess !== y) offDiagonal[i] = 1;
  }
  return counts;
}

/** Raw counts → K×K joint with every diagonal entry at least 1 (cleanlab keeps one correct example per class). */
function jointFromCounts(counts: Float64Array, K: number): number[][] {
  const joint: number[][] = [];
  for (let i = 0; i < K; i++) {
    const row = Array.from(counts.subarray(i * K, (i + 1) * K));
    row[i] = Math.max(row[i], 1);
    joint.push(row);
  }
  return joint;
}

/**
 * Calibration (cleanlab `calibrate_confident_joint`) from per-class label counts L and n = ΣL:
 * A[i][j] = C[i][j] / max(Σ_j C[i][j], 1e-100) · L[i];  B[i][j] = A[i][j] / max(ΣA, 1e-100) · n (ΣA in numpy
 * pairwise order over the flattened matrix); result = each row of B rounded preserving its row total.
 */
export function calibrateWithCounts(
  confidentJoint: ArrayLike<number>[],
  counts: ArrayLike<number>,
): number[][] {
  const K = confidentJoint.length;
  let n = 0;
  for (let k = 0; k < K; k++) n += counts[k];
  const flat = new Float64Array(K * K);
  for (let i = 0; i < K; i++) {
    const denom = Math.max(0 + pairwiseSum(Float64Array.from(confidentJoint[i]), 0, K, 1), TINY_VALUE);
    for (let j = 0; j < K; j++) flat[i * K + j] = (confidentJoint[i][j] / denom) * counts[i];
  }
  const total = Math.max(0 + pairwiseSum(flat, 0, K * K, 1), TINY_VALUE);
  const rows: Float64Array[] = [];
  for (let i = 0; i < K; i++) {
    const row = new Float64Array(K);
    for (let j = 0; j < K; j++) row[j] = (flat[i * K + j] / total) * n;
    rows.push(row);
  }
  return roundPreservingRowTotals(rows);
}

/**
 * Calibrates a K×K confident joint to the given labels: rows scaled to the label count of each class, the total
 * to n, then rounded preserving row totals (see `calibrateWithCounts`).
 */
export function calibrateConfidentJoint(confidentJoint: number[][], labels: ArrayLike<number>): number[][] {
  const K = confidentJoint.length;
  validateSquareMatrix(confidentJoint, K, 'confident joint');
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i];
    if (!Number.isInteger(y) || y < 0 || y >= K) {
      throw new Error(`row ${i}: label ${y} is not an integer class index in 0..${K - 1}`);
    }
  }
  return calibrateWithCounts(confidentJoint, labelCounts(labels, K));
}

/** Confident joint from already validated inputs (shared by the filters to avoid validating twice). */
export function confidentJointFromValidated(
  probs: ProbabilityMatrix,
  labels: Int32Array,
  index: ClassIndex,
  thresholds: number[],
  calibrate: boolean,
  offDiagonal: Uint8Array | null = null,
): number[][] {
  const joint = jointFromCounts(countConfident(probs, labels, index.K, thresholds, offDiagonal), index.K);
  return calibrate ? calibrateWithCounts(joint, index.counts) : joint;
}

/**
 * cleanlab `compute_confident_joint`: C[i][j] = number of examples labelled i that are confidently of class j
 * (see `countConfident`), diagonal at least 1, then calibrated unless `calibrate: false`.
 */
export function computeConfidentJoint(
  labels: ArrayLike<number>,
  predProbs: ProbabilityMatrix,
  K: number,
  options: ConfidentJointOptions = {},
): ConfidentJointResult {
  const y = validateInputs(labels, predProbs, K);
  const index = indexRowsByClass(y, K);
  let thresholds: number[];
  if (options.thresholds) {
    if (options.thresholds.length !== K) {
      throw new Error(`thresholds must have K = ${K} entries, got ${options.thresholds.length}`);
    }
    thresholds = Array.from(options.thresholds);
  } else {
    thresholds = confidentThresholds(groupedSelfConfidence(predProbs, y, index), index);
  }
  const joint = confidentJointFromValidated(predProbs, y, index, thresholds, options.calibrate ?? true);
  return { joint, thresholds };
}

/**
 * cleanlab `estimate_joint`: Q = calibrate(C) / ΣC', an estimate of p(given label, true label) summing to 1.
 * C is computed (calibrated) from the inputs unless `confidentJoint` is given, in which case it is calibrated to
 * the labels first.
 */
export function estimateJoint(
  labels: ArrayLike<number>,
  predProbs: ProbabilityMatrix,
  K: number,
  options: { confidentJoint?: number[][] } = {},
): number[][] {
  let calibrated: number[][];
  if (options.confidentJoint) {
    validateSquareMatrix(options.confidentJoint, K, 'confident joint');
    const y = validateInputs(labels, predProbs, K);
    calibrated = calibrateWithCounts(options.confidentJoint, indexRowsByClass(y, K).counts);
  } else {
    calibrated = computeConfidentJoint(labels, predProbs, K, { calibrate: true }).joint;
  }
  return normalizeJoint(calibrated);
}

/** Q[i][j] = C[i][j] / max(ΣC, 1e-100). */
function normalizeJoint(calibrated: number[][]): number[][] {
  let total = 0;
  for (const row of calibrated) for (const v of row) total += v;
  const denom = Math.max(total, TINY_VALUE);
  return calibrated.map((row) => row.map((v) => v / denom));
}

/** 1 − trace(Q), the trace summed in numpy's pairwise order along the diagonal. */
function offDiagonalMass(joint: number[][]): number {
  const K = joint.length;
  const flat = new Float64Array(K * K);
  for (let i = 0; i < K; i++) for (let j = 0; j < K; j++) flat[i * K + j] = joint[i][j];
  return 1.0 - (0 + pairwiseSum(flat, 0, K, K + 1));
}

export type NumLabelIssuesMethod = 'off_diagonal' | 'off_diagonal_calibrated' | 'off_diagonal_custom';

/**
 * Rows flagged by the uncalibrated confident joint's off-diagonal (estimated true class ≠ given label), minus
 * rows whose prediction is within 1e-6 of the given label. Inputs must be validated.
 */
export function offDiagonalIssueMask(
  probs: ProbabilityMatrix,
  labels: Int32Array,
  K: number,
  thresholds: number[],
): Uint8Array {
  const mask = new Uint8Array(labels.length);
  countConfident(probs, labels, K, thresholds, mask);
  dropIssuesCloseToGivenLabel(mask, probs, labels, K);
  return mask;
}

/**
 * The rows `num_label_issues` ('off_diagonal') counts, validated: its sum is cleanlab's estimate, and a subset's
 * sum is the estimate among those rows (a later round counts only images no human has decided).
 */
export function offDiagonalIssueRows(
  labels: ArrayLike<number>,
  predProbs: ProbabilityMatrix,
  K: number,
): Uint8Array {
  const y = validateInputs(labels, predProbs, K, { requireTwoLabelClasses: true });
  const index = indexRowsByClass(y, K);
  return offDiagonalIssueMask(
    predProbs,
    y,
    K,
    confidentThresholds(groupedSelfConfidence(predProbs, y, index), index),
  );
}

/**
 * cleanlab `num_label_issues`. 'off_diagonal' (default): the number of rows in `offDiagonalIssueMask`.
 * 'off_diagonal_calibrated': rint(n · (1 − trace(estimate_joint(calibrated C)))), where the already calibrated
 * joint is calibrated once more, as cleanlab does. 'off_diagonal_custom': the same with the caller's joint.
 */
export function numLabelIssues(
  labels: ArrayLike<number>,
  predProbs: ProbabilityMatrix,
  K: number,
  options: { estimationMethod?: NumLabelIssuesMethod; confidentJoint?: number[][] } = {},
): number {
  const method = options.estimationMethod ?? 'off_diagonal';
  if (method === 'off_diagonal') {
    const mask = offDiagonalIssueRows(labels, predProbs, K);
    let count = 0;
    for (let i = 0; i < mask.length; i++) count += mask[i];
    return count;
  }
  const y = validateInputs(labels, predProbs, K, { requireTwoLabelClasses: true });
  const index = indexRowsByClass(y, K);
  const n = y.length;
  let joint: number[][];
  if (method === 'off_diagonal_calibrated') {
    joint = confidentJointFromValidated(
      predProbs,
      y,
      index,
      confidentThresholds(groupedSelfConfidence(predProbs, y, index), index),
      true,
    );
  } else if (method === 'off_diagonal_custom') {
    if (!options.confidentJoint) {
      throw new Error("estimationMethod 'off_diagonal_custom' needs a confidentJoint");
    }
    validateSquareMatrix(options.confidentJoint, K, 'confident joint');
    joint = options.confidentJoint;
  } else {
    throw new Error(
      `unknown estimationMethod '${String(method)}' (expected off_diagonal, off_diagonal_calibrated or off_diagonal_custom)`,
    );
  }
  const q = normalizeJoint(calibrateWithCounts(joint, index.counts));
  return rint(offDiagonalMass(q) * n);
}
