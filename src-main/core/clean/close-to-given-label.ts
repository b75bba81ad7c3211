import { FLOATING_POINT_COMPARISON } from './round-preserving';
import type { ProbabilityMatrix } from './validate';

/**
 * cleanlab's `_reduce_issues` test for one row: add 1e-6 to the probability of the given label y and ask whether
 * argmax (first maximum) is then y, i.e. p[j] < p[y] + 1e-6 for every j < y and p[j] ≤ p[y] + 1e-6 for j > y.
 * Such rows are never reported as issues by the confident-learning filters.
 */
export function isPredictionCloseToGivenLabel(
  probs: ProbabilityMatrix,
  i: number,
  K: number,
  y: number,
): boolean {
  const base = i * K;
  const boosted = probs[base + y] + FLOATING_POINT_COMPARISON;
  for (let j = 0; j < y; j++) if (probs[base + j] >= boosted) return false;
  for (let j = y + 1; j < K; j++) if (probs[base + j] > boosted) return false;
  return true;
}

/** Clears mask[i] for every flagged row whose prediction is close to its given label (see above). */
export function dropIssuesCloseToGivenLabel(
  mask: Uint8Array,
  probs: ProbabilityMatrix,
  labels: Int32Array,
  K: number,
): void {
  for (let i = 0; i < mask.length; i++) {
    if (mask[i] && isPredictionCloseToGivenLabel(probs, i, K, labels[i])) mask[i] = 0;
  }
}
