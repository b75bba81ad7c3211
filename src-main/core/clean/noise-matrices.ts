/**
 * Latent estimates from a confident joint (cleanlab `count.estimate_latent` and `internal/latent_algebra.py`):
 * the prior of the true labels p(y), the noise matrix p(given | true) and the inverse noise matrix
 * p(true | given).
 */
import { labelCounts } from './class-index';
import { computeConfidentJoint, TINY_VALUE } from './confident-joint';
import { npSum, pairwiseSum } from './numpy-float';
import { validateSquareMatrix, type ProbabilityMatrix } from './validate';

/** Smallest prior any true class may get (cleanlab's `CLIPPING_LOWER_BOUND`). */
const PY_LOWER_BOUND = 1e-6;
/** Largest off-diagonal noise rate. */
const MAX_NOISE_RATE = 0.9999;

export type PyMethod = 'cnt' | 'marginal';

export interface LatentEstimates {
  /** Estimated prior of the true labels, sums to 1. */
  py: number[];
  /** noiseMatrix[i][j] = p(given = i | true = j); columns sum to 1. */
  noiseMatrix: number[][];
  /** invNoiseMatrix[i][j] = p(true = i | given = j); columns sum to 1. */
  invNoiseMatrix: number[][];
}

export interface NoiseMatrices extends LatentEstimates {
  /** The confident joint the estimates were computed from (calibrated unless `calibrate: false`). */
  confidentJoint: number[][];
}

export interface LatentOptions {
  /** 'cnt' (default): py[k] = inv[k][k] / nm[k][k] · ps[k]; 'marginal': column totals of C over ΣC. */
  pyMethod?: PyMethod;
  /** Iterate the three estimates into algebraic agreement (cleanlab `_converge_estimates`). */
  convergeLatentEstimates?: boolean;
}

/**
 * cleanlab `clip_values`: x ← clip(x, low, high); x ← x · newSum / max(Σx, 1e-100) (Σ in numpy pairwise order).
 */
export function clipValues(x: number[], low: number, high: number, newSum: number): number[] {
  const clipped = x.map((v) => Math.min(Math.max(v, low), high));
  const denom = Math.max(npSum(Float64Array.from(clipped)), TINY_VALUE);
  return clipped.map((v) => (v * newSum) / denom);
}

/**
 * Memory layout numpy gives a matrix, which decides how `sum(axis=0)` adds a column: top to bottom for a
 * C-ordered matrix, in pairwise order for an F-ordered one (a transposed view divided by a vector stays F-ordered,
 * as cleanlab's inverse noise matrices are).
 */
export type MatrixLayout = 'C' | 'F';

/**
 * cleanlab `clip_noise_rates`: clip every off-diagonal entry to [0, 0.9999], keep the diagonal, then divide each
 * column by its sum (floored at 1e-100) so columns sum to 1; the column sum is added in `layout`'s order.
 */
export function clipNoiseRates(matrix: number[][], layout: MatrixLayout = 'C'): number[][] {
  const K = matrix.length;
  const clipped = matrix.map((row, i) =>
    row.map((v, j) => (i === j ? v : Math.min(Math.max(v, 0), MAX_NOISE_RATE))),
  );
  const colSums = new Array<number>(K).fill(0);
  if (layout === 'C') {
    for (let i = 0; i < K; i++) for (let j = 0; j < K; j++) colSums[j] += clipped[i][j];
  } else {
    const column = new Float64Array(K);
    for (let j = 0; j < K; j++) {
      for (let i = 0; i < K; i++) column[i] = clipped[i][j];
      colSums[j] = 0 + pairwiseSum(column, 0, K, 1);
    }
  }
  return clipped.map((row) => row.map((v, j) => v / Math.max(colSums[j], TINY_VALUE)));
}

/** compute_py with py_method 'cnt': py[k] = inv[k][k] / max(nm[k][k], 1e-100) · ps[k], then clipValues(·, 1e-6, 1, 1). */
function pyByCount(ps: number[], nm: number[][], inv: number[][]): number[] {
  const py = ps.map((p, k) => (inv[k][k] / Math.max(nm[k][k], TINY_VALUE)) * p);
  return clipValues(py, PY_LOWER_BOUND, 1.0, 1.0);
}

/** compute_inv_noise_matrix: inv[a][b] = nm[b][a] · py[a] / max(ps[b], 1e-100), then clipNoiseRates (F-ordered). */
function invFromNoise(py: number[], nm: number[][], ps: number[]): number[][] {
  const K = py.length;
  const inv: number[][] = [];
  for (let a = 0; a < K; a++) {
    const row: number[] = [];
    for (let b = 0; b < K; b++) row.push((nm[b][a] * py[a]) / Math.max(ps[b], TINY_VALUE));
    inv.push(row);
  }
  return clipNoiseRates(inv, 'F');
}

/** compute_noise_matrix_from_inverse: nm[b][a] = inv[a][b] · ps[b] / max(py[a], 1e-100), then clipNoiseRates (C-ordered). */
function noiseFromInv(ps: number[], inv: number[][], py: number[]): number[][] {
  const K = ps.length;
  const nm: number[][] = [];
  for (let b = 0; b < K; b++) {
    const row: number[] = [];
    for (let a = 0; a < K; a++) row.push((inv[a][b] * ps[b]) / Math.max(py[a], TINY_VALUE));
    nm.push(row);
  }
  return clipNoiseRates(nm);
}

/**
 * cleanlab `estimate_latent`. With label counts L, ps = L / n, row totals R[i] = Σ_j C[i][j] and column totals
 * T[j] = Σ_i C[i][j]: nm[i][j] = C[i][j] / T[j]; inv[j][i] = C[i][j] / R[i]; py from `pyMethod`, clipped to
 * [1e-6, 1] and renormalised; nm and inv pass through clipNoiseRates. With `convergeLatentEstimates`, 3 rounds of
 * (5 × (inv from py, nm; py from inv)) then nm from inv, and py re-clipped to [1e-5, 1].
 */
export function estimateLatent(
  confidentJoint: number[][],
  labels: ArrayLike<number>,
  options: LatentOptions = {},
): LatentEstimates {
  const K = confidentJoint.length;
  validateSquareMatrix(confidentJoint, K, 'confident joint');
  const n = labels.length;
  if (n === 0) throw new Error('no examples: labels is empty');
  for (let i = 0; i < n; i++) {
    const y = labels[i];
    if (!Number.isInteger(y) || y < 0 || y >= K) {
      throw new Error(`row ${i}: label ${y} is not an integer class index in 0..${K - 1}`);
    }
  }
  const ps = labelCounts(labels, K).map((c) => c / n);
  const rowTotals = confidentJoint.map((row) => 0 + pairwiseSum(Float64Array.from(row), 0, K, 1));
  const colTotals = new Array<number>(K).fill(0);
  for (let i = 0; i < K; i++) for (let j = 0; j < K; j++) colTotals[j] += confidentJoint[i][j];

  let nm = confidentJoint.map((row) => row.map((c, j) => c / Math.max(colTotals[j], TINY_VALUE)));
  let inv: number[][] = [];
  for (let a = 0; a < K; a++) {
    inv.push(confidentJoint.map((row, b) => row[a] / Math.max(rowTotals[b], TINY_VALUE)));
  }
  let py: number[];
  const method = options.pyMethod ?? 'cnt';
  if (method === 'cnt') {
    py = pyByCount(ps, nm, inv);
  } else if (method === 'marginal') {
    let total = 0;
    for (const t of colTotals) total += t;
    const denom = Math.max(total, TINY_VALUE);
    py = clipValues(
      colTotals.map((t) => t / denom),
      PY_LOWER_BOUND,
      1.0,
      1.0,
    );
  } else {
    throw new Error(`unknown pyMethod '${String(method)}' (expected cnt or marginal)`);
  }
  nm = clipNoiseRates(nm, 'C');
  inv = clipNoiseRates(inv, 'F');

  if (options.convergeLatentEstimates) {
    for (let round = 0; round < 3; round++) {
      for (let step = 0; step < 5; step++) {
        inv = invFromNoise(py, nm, ps);
        py = pyByCount(ps, nm, inv);
      }
      nm = noiseFromInv(ps, inv, py);
    }
    py = clipValues(py, 1e-5, 1.0, 1.0);
    nm = clipNoiseRates(nm, 'C');
    inv = clipNoiseRates(inv, 'F');
  }
  return { py, noiseMatrix: nm, invNoiseMatrix: inv };
}

/**
 * cleanlab `estimate_py_and_noise_matrices_from_probabilities`: the confident joint of the inputs (calibrated by
 * default) and the latent estimates from it, converged by default.
 */
export function estimateNoiseMatrices(
  labels: ArrayLike<number>,
  predProbs: ProbabilityMatrix,
  K: number,
  options: LatentOptions & { calibrate?: boolean; thresholds?: ArrayLike<number> } = {},
): NoiseMatrices {
  const { joint } = computeConfidentJoint(labels, predProbs, K, {
    calibrate: options.calibrate ?? true,
    thresholds: options.thresholds,
  });
  const latent = estimateLatent(joint, labels, {
    pyMethod: options.pyMethod ?? 'cnt',
    convergeLatentEstimates: options.convergeLatentEstimates ?? true,
  });
  return { ...latent, confidentJoint: joint };
}
