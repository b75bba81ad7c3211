/**
 * cleanlab `filter.find_label_issues` for single-label classification, without multiprocessing (results do not
 * depend on n_jobs in cleanlab either).
 */
import {
  FILTER_BY_METHODS,
  RANKED_BY_METHODS,
  type FilterBy,
  type RankedBy,
} from '../../../src-shared/domain';
import { groupedSelfConfidence, indexRowsByClass } from './class-index';
import { dropIssuesCloseToGivenLabel } from './close-to-given-label';
import { confidentJointFromValidated, confidentThresholds, offDiagonalIssueMask } from './confident-joint';
import { firstOfArgsort, selectionBuffers } from './numpy-argsort';
import { argmaxRow } from './numpy-float';
import {
  applyNumToRemovePerClass,
  keepAtLeastNPerClass,
  pruneByClass,
  pruneByNoiseRate,
  pruneWorkspace,
  transpose,
} from './prune';
import { maskToRows, orderRowsByScore, rowScorer } from './rank';
import { validateInputs, validateSquareMatrix, type ProbabilityMatrix } from './validate';

export interface FindLabelIssuesOptions {
  /** Which rows to flag (default 'prune_by_noise_rate', cleanlab's default). */
  filterBy?: FilterBy;
  /** Ranking of the returned indices; null or omitted → ascending row order. */
  rankedBy?: RankedBy | null;
  /** Fraction of the estimated issues to flag, prune_by_* and both only (default 1). */
  fracNoise?: number;
  /** Exact number of issues to flag per given class, prune_by_* and both only. */
  numToRemovePerClass?: number[];
  /** Never prune a class down below this many examples (default 1). */
  minExamplesPerClass?: number;
  /** Use this K×K confident joint (rows = given) instead of computing a calibrated one; ignored by confident_learning. */
  confidentJoint?: number[][];
}

const ONLY_PRUNE_FILTERS: readonly FilterBy[] = [
  'confident_learning',
  'predicted_neq_given',
  'low_normalized_margin',
  'low_self_confidence',
];

function checkOptions(options: FindLabelIssuesOptions, K: number): void {
  const filterBy = options.filterBy ?? 'prune_by_noise_rate';
  if (!(FILTER_BY_METHODS as readonly string[]).includes(filterBy)) {
    throw new Error(
      `unknown filterBy '${String(filterBy)}' (expected one of ${FILTER_BY_METHODS.join(', ')})`,
    );
  }
  if (options.rankedBy != null && !(RANKED_BY_METHODS as readonly string[]).includes(options.rankedBy)) {
    throw new Error(
      `unknown rankedBy '${String(options.rankedBy)}' (expected one of ${RANKED_BY_METHODS.join(', ')} or null)`,
    );
  }
  const frac = options.fracNoise ?? 1;
  if (!Number.isFinite(frac) || frac < 0 || frac > 1) {
    throw new Error(`fracNoise must be a number in [0, 1], got ${frac}`);
  }
  const minEx = options.minExamplesPerClass ?? 1;
  if (!Number.isInteger(minEx) || minEx < 0) {
    throw new Error(`minExamplesPerClass must be a non-negative integer, got ${minEx}`);
  }
  const ntr = options.numToRemovePerClass;
  if (ntr) {
    if (ONLY_PRUNE_FILTERS.includes(filterBy)) {
      throw new Error(
        `numToRemovePerClass is only supported with filterBy prune_by_noise_rate, prune_by_class or both, not '${filterBy}'`,
      );
    }
    if (ntr.length !== K)
      throw new Error(`numToRemovePerClass must have K = ${K} entries, got ${ntr.length}`);
    ntr.forEach((v, k) => {
      if (!Number.isInteger(v) || v < 0) {
        throw new Error(`numToRemovePerClass[${k}] must be a non-negative integer, got ${v}`);
      }
    });
  }
  if (options.confidentJoint) validateSquareMatrix(options.confidentJoint, K, 'confidentJoint');
}

/**
 * The label-issue mask of cleanlab `find_label_issues(labels, pred_probs, filter_by=…)` (1 = issue).
 * - prune_by_noise_rate: for every off-diagonal cell of the prune count matrix P = (calibrated C)ᵀ, adjusted by
 *   `keepAtLeastNPerClass` (and `numToRemovePerClass`), flag the P[j][k] rows labelled k with the largest
 *   p(j) − p(k);
 * - prune_by_class: per class k flag the L[k] − P[k][k] rows labelled k with the lowest p(k);
 * - both: rows flagged by both;
 * - confident_learning: rows off the confident joint's diagonal;
 * - predicted_neq_given: argmax p ≠ given label;
 * - low_self_confidence / low_normalized_margin: the num_label_issues rows with the lowest such score.
 * All but the low_* filters then unflag rows whose given label wins argmax after adding 1e-6 to its probability.
 */
export function findLabelIssuesMask(
  labels: ArrayLike<number>,
  predProbs: ProbabilityMatrix,
  K: number,
  options: FindLabelIssuesOptions = {},
): Uint8Array {
  const y = validateInputs(labels, predProbs, K, { requireTwoLabelClasses: true });
  checkOptions(options, K);
  return maskFromValidated(y, predProbs, K, options);
}

function maskFromValidated(
  y: Int32Array,
  probs: ProbabilityMatrix,
  K: number,
  options: FindLabelIssuesOptions,
): Uint8Array {
  const filterBy = options.filterBy ?? 'prune_by_noise_rate';
  const minExamplesPerClass = options.minExamplesPerClass ?? 1;
  const n = y.length;
  const index = indexRowsByClass(y, K);
  const selfConfidence = groupedSelfConfidence(probs, y, index);
  const thresholds = confidentThresholds(selfConfidence, index);

  if (filterBy === 'confident_learning') {
    const mask = new Uint8Array(n);
    confidentJointFromValidated(probs, y, index, thresholds, false, mask);
    dropIssuesCloseToGivenLabel(mask, probs, y, K);
    return mask;
  }
  if (filterBy === 'predicted_neq_given') {
    const mask = new Uint8Array(n);
    for (let i = 0; i < n; i++) if (argmaxRow(probs, i, K) !== y[i]) mask[i] = 1;
    dropIssuesCloseToGivenLabel(mask, probs, y, K);
    return mask;
  }
  if (filterBy === 'low_self_confidence' || filterBy === 'low_normalized_margin') {
    const offDiagonal = offDiagonalIssueMask(probs, y, K, thresholds);
    let numErrors = 0;
    for (let i = 0; i < n; i++) numErrors += offDiagonal[i];
    const score = rowScorer(
      probs,
      K,
      filterBy === 'low_self_confidence' ? 'self_confidence' : 'normalized_margin',
    );
    const scores = new Float64Array(n);
    for (let i = 0; i < n; i++) scores[i] = score(i, y[i]);
    const mask = new Uint8Array(n);
    const picked = firstOfArgsort(scores, n, numErrors, selectionBuffers(n));
    for (let t = 0; t < picked.length; t++) mask[picked[t]] = 1;
    return mask;
  }

  // prune_by_noise_rate, prune_by_class, both
  const joint = options.confidentJoint ?? confidentJointFromValidated(probs, y, index, thresholds, true);
  let pcm = keepAtLeastNPerClass(transpose(joint), minExamplesPerClass, options.fracNoise ?? 1);
  if (options.numToRemovePerClass) {
    pcm = applyNumToRemovePerClass(pcm, options.numToRemovePerClass, index.counts);
  }
  const ws = pruneWorkspace(index);
  let mask: Uint8Array;
  if (filterBy === 'prune_by_class') {
    mask = new Uint8Array(n);
    pruneByClass(selfConfidence, index, pcm, minExamplesPerClass, mask, ws);
  } else {
    mask = new Uint8Array(n);
    pruneByNoiseRate(probs, y, index, pcm, minExamplesPerClass, mask, ws);
    if (filterBy === 'both') {
      const byClass = new Uint8Array(n);
      pruneByClass(selfConfidence, index, pcm, minExamplesPerClass, byClass, ws);
      for (let i = 0; i < n; i++) mask[i] &= byClass[i];
    }
  }
  dropIssuesCloseToGivenLabel(mask, probs, y, K);
  return mask;
}

/**
 * cleanlab `find_label_issues`: the flagged rows (see `findLabelIssuesMask`), ordered by ascending label quality
 * score under `rankedBy` (cleanlab `order_label_issues`, ties in numpy's argsort order), or ascending row order
 * when `rankedBy` is null or omitted.
 */
export function findLabelIssues(
  labels: ArrayLike<number>,
  predProbs: ProbabilityMatrix,
  K: number,
  options: FindLabelIssuesOptions = {},
): Int32Array {
  const y = validateInputs(labels, predProbs, K, { requireTwoLabelClasses: true });
  checkOptions(options, K);
  const rows = maskToRows(maskFromValidated(y, predProbs, K, options));
  if (options.rankedBy == null) return rows;
  return orderRowsByScore(predProbs, y, K, options.rankedBy, rows);
}
