/**
 * Label quality scores and issue ranking (cleanlab `rank.py`). Lower score = more likely mislabelled.
 */
import type { RankedBy } from '../../../src-shared/domain';
import { argsortIndicesInPlace } from './numpy-argsort';
import { argmaxRow, pairwiseSum } from './numpy-float';
import { validateInputs, type ProbabilityMatrix } from './validate';

/** Lower clip of probabilities used as divisors (cleanlab's `CLIPPING_LOWER_BOUND`). */
const CLIPPING_LOWER_BOUND = 1e-6;

/** Score of one row of a validated matrix, given that row's label. */
export type RowScorer = (row: number, label: number) => number;

/**
 * A scorer for one method over validated inputs:
 * - self_confidence: s = p[y];
 * - normalized_margin: s = ((p[y] − max_{j≠y} p[j]) + 1) / 2;
 * - confidence_weighted_entropy: H = −Σ_j xlogy(p[j], p[j]) / ln K (Σ in numpy pairwise order, xlogy(0,0) = 0),
 *   q = H / max(p[y], 1e-6), s = ln(q + 1) / max(q, 1e-6). Requires every p in [0, 1] (as cleanlab does).
 */
export function rowScorer(probs: ProbabilityMatrix, K: number, method: RankedBy): RowScorer {
  switch (method) {
    case 'self_confidence':
      return (i, y) => probs[i * K + y];
    case 'normalized_margin':
      return (i, y) => {
        const base = i * K;
        let other = -Infinity;
        for (let j = 0; j < K; j++) if (j !== y && probs[base + j] > other) other = probs[base + j];
        return (probs[base + y] - other + 1) / 2;
      };
    case 'confidence_weighted_entropy': {
      const terms = new Float64Array(K);
      const logK = Math.log(K);
      return (i, y) => {
        const base = i * K;
        for (let j = 0; j < K; j++) {
          const p = probs[base + j];
          if (p < 0 || p > 1) {
            throw new Error(
              `row ${i}: probability of class ${j} is ${p}; confidence_weighted_entropy needs every probability in [0, 1]`,
            );
          }
          terms[j] = p === 0 ? 0 : p * Math.log(p);
        }
        const entropy = -(0 + pairwiseSum(terms, 0, K, 1)) / logK;
        const quality = entropy / Math.max(probs[base + y], CLIPPING_LOWER_BOUND);
        return Math.log(quality + 1) / Math.max(quality, CLIPPING_LOWER_BOUND);
      };
    }
    default:
      throw new Error(
        `unknown ranking method '${String(method)}' (expected self_confidence, normalized_margin or confidence_weighted_entropy)`,
      );
  }
}

/** Scores of the given rows (validated inputs), in the given order. */
export function scoreRows(
  probs: ProbabilityMatrix,
  labels: Int32Array,
  K: number,
  method: RankedBy,
  rows: Int32Array,
): Float64Array {
  const score = rowScorer(probs, K, method);
  const out = new Float64Array(rows.length);
  for (let t = 0; t < rows.length; t++) out[t] = score(rows[t], labels[rows[t]]);
  return out;
}

/**
 * cleanlab `get_label_quality_scores(labels, pred_probs, method)` (adjust_pred_probs = False): one score per row
 * in [0, 1], see `rowScorer` for the formulas. One class in the labels is allowed, as in cleanlab.
 */
export function getLabelQualityScores(
  labels: ArrayLike<number>,
  predProbs: ProbabilityMatrix,
  K: number,
  method: RankedBy = 'self_confidence',
): Float64Array {
  const y = validateInputs(labels, predProbs, K);
  const score = rowScorer(predProbs, K, method);
  const out = new Float64Array(y.length);
  for (let i = 0; i < y.length; i++) out[i] = score(i, y[i]);
  return out;
}

/**
 * Orders validated issue rows (ascending row order) by ascending score, i.e. `rows[np.argsort(scores)]` with
 * numpy 1.24's introsort, ties included.
 */
export function orderRowsByScore(
  probs: ProbabilityMatrix,
  labels: Int32Array,
  K: number,
  method: RankedBy,
  rows: Int32Array,
): Int32Array {
  const scores = scoreRows(probs, labels, K, method, rows);
  const order = new Int32Array(rows.length);
  for (let t = 0; t < order.length; t++) order[t] = t;
  argsortIndicesInPlace(scores, order, order.length);
  const out = new Int32Array(rows.length);
  for (let t = 0; t < order.length; t++) out[t] = rows[order[t]];
  return out;
}

/**
 * cleanlab `order_label_issues`: the flagged rows (mask[i] ≠ 0), most likely mislabelled first — ascending
 * label quality score under `rankBy`, ties in numpy's argsort order.
 */
export function orderLabelIssues(
  mask: ArrayLike<number | boolean>,
  labels: ArrayLike<number>,
  predProbs: ProbabilityMatrix,
  K: number,
  rankBy: RankedBy = 'self_confidence',
): Int32Array {
  const y = validateInputs(labels, predProbs, K);
  if (mask.length !== y.length) {
    throw new Error(`label issue mask has ${mask.length} entries, expected one per row (${y.length})`);
  }
  return orderRowsByScore(predProbs, y, K, rankBy, maskToRows(mask));
}

/** Indices i with mask[i] truthy, ascending. */
export function maskToRows(mask: ArrayLike<number | boolean>): Int32Array {
  let count = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i]) count++;
  const rows = new Int32Array(count);
  let w = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i]) rows[w++] = i;
  return rows;
}

/** Suggested (predicted) label per row: argmax_j p[i][j], the first maximum on ties (numpy `argmax`). */
export function suggestedLabels(predProbs: ProbabilityMatrix, K: number): Int32Array {
  if (!Number.isInteger(K) || K < 1 || predProbs.length % K !== 0) {
    throw new Error(`pred_probs length ${predProbs.length} is not a multiple of K = ${K}`);
  }
  const n = predProbs.length / K;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = argmaxRow(predProbs, i, K);
  return out;
}
