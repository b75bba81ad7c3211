/**
 * How many examples to prune, and which (cleanlab `filter.py`: `_keep_at_least_n_per_class`,
 * `_reduce_prune_counts`, `_prune_by_count`, `_prune_by_class`). The prune count matrix is the confident joint
 * transposed: P[true][given].
 */
import { rowsGroupedByClass, type ClassIndex } from './class-index';
import { firstOfArgsort, selectionBuffers, type SelectionBuffers } from './numpy-argsort';
import { pairwiseSum, truncToInt } from './numpy-float';
import { roundPreservingRowTotals } from './round-preserving';
import type { ProbabilityMatrix } from './validate';

/** Transpose of a square matrix. */
export function transpose(m: number[][]): number[][] {
  return m[0].map((_, j) => m.map((row) => row[j]));
}

/**
 * cleanlab `_keep_at_least_n_per_class` + `_reduce_prune_counts`. With P = confident joint transposed:
 * d[j] = max(P[j][j], n) and δ[j] = d[j] − P[j][j]; every entry of column j drops by δ[j] / max(nnz_j − 1, 1)
 * (nnz_j = non-zero entries of column j), negatives become 0, the diagonal becomes d. Then off-diagonal entries
 * are multiplied by fracNoise, each diagonal entry grows by what its column lost (summed in numpy's pairwise
 * order), and every entry is truncated to an integer.
 */
export function keepAtLeastNPerClass(pruneCountMatrix: number[][], n: number, fracNoise = 1.0): number[][] {
  const K = pruneCountMatrix.length;
  const diag = pruneCountMatrix.map((row, j) => row[j]);
  const newDiag = diag.map((d) => Math.max(d, n));
  const ratePerCol = new Array<number>(K);
  for (let j = 0; j < K; j++) {
    let nonZero = 0;
    for (let i = 0; i < K; i++) if (pruneCountMatrix[i][j] !== 0) nonZero++;
    ratePerCol[j] = (newDiag[j] - diag[j]) / Math.max(nonZero - 1.0, 1.0);
  }
  const kept = pruneCountMatrix.map((row, i) =>
    row.map((v, j) => (i === j ? newDiag[j] : Math.max(v - ratePerCol[j], 0))),
  );
  const reduced = kept.map((row, i) => row.map((v, j) => (i === j ? v : v * fracNoise)));
  // The matrix is a transposed view in cleanlab (F-ordered), so numpy sums each column in pairwise order.
  const lost = new Float64Array(K);
  for (let j = 0; j < K; j++) {
    for (let i = 0; i < K; i++) lost[i] = kept[i][j] - reduced[i][j];
    reduced[j][j] = kept[j][j] + (0 + pairwiseSum(lost, 0, K, 1));
  }
  return roundPreservingRowTotals(reduced.map((row) => row.map(truncToInt))).map((row) =>
    row.map(truncToInt),
  );
}

/**
 * cleanlab's `num_to_remove_per_class` rescaling of the prune count matrix P (rows = true, columns = given):
 * ψ[i][j] = P[i][j] / Σ_k P[j][k] (numpy broadcasting divides column j by row total j); ν[i] = Σ_j ψ[i][j] − ψ[i][i];
 * T[i][j] = ψ[i][j] · r[i] / ν[i] off the diagonal, T[i][i] = L[i] − r[i]; result = T rounded preserving row
 * totals. Non-finite entries (a class with nothing to spread over) end up as INT64_MIN, i.e. "prune nothing".
 */
export function applyNumToRemovePerClass(
  pruneCountMatrix: number[][],
  numToRemovePerClass: ArrayLike<number>,
  counts: ArrayLike<number>,
): number[][] {
  const K = pruneCountMatrix.length;
  const rowTotals = pruneCountMatrix.map((row) => 0 + pairwiseSum(Float64Array.from(row), 0, K, 1));
  const psy = pruneCountMatrix.map((row) => row.map((v, j) => v / rowTotals[j]));
  const tmp = psy.map((row, i) => {
    const noise = 0 + pairwiseSum(Float64Array.from(row), 0, K, 1) - row[i];
    return row.map((v, j) =>
      i === j ? counts[i] - numToRemovePerClass[i] : (v * numToRemovePerClass[i]) / noise,
    );
  });
  return roundPreservingRowTotals(tmp).map((row) => row.map(truncToInt));
}

/** Buffers shared by the per-class pruning passes. */
export interface PruneWorkspace {
  /** `rowsGroupedByClass` of the input, built on first use (prune_by_class does not need it). */
  grouped: ProbabilityMatrix | null;
  keys: Float64Array;
  selection: SelectionBuffers;
}

/** Buffers for classes of up to max_k L[k] rows: keys and selection scratch (~28 bytes per row of the largest class). */
export function pruneWorkspace(index: ClassIndex): PruneWorkspace {
  let max = 0;
  for (let k = 0; k < index.K; k++) max = Math.max(max, index.counts[k]);
  return { grouped: null, keys: new Float64Array(max), selection: selectionBuffers(max) };
}

/** cleanlab only prunes a class with more than `minExamplesPerClass` examples, and never a single-example class. */
function classIsPrunable(count: number, minExamplesPerClass: number): boolean {
  return count > minExamplesPerClass && count > 1;
}

/** keys[r] = −(p[r][j] − p[r][k]) for the m rows starting at `offset`: np.argsort of these puts the largest margin first. */
function negativeMargins(
  rows: ProbabilityMatrix,
  offset: number,
  m: number,
  K: number,
  j: number,
  k: number,
  keys: Float64Array,
): void {
  for (let r = 0, base = offset; r < m; r++, base += K) keys[r] = -(rows[base + j] - rows[base + k]);
}

/**
 * prune_by_noise_rate (`_prune_by_count`): for given class k and each true class j ≠ k with P[j][k] > 0, flag the
 * P[j][k] examples labelled k with the largest margin p(j) − p(k), i.e. `np.argsort(−margin)[:P[j][k]]` over
 * the class's rows in ascending row order (ties resolved as numpy's introsort resolves them).
 */
export function pruneByNoiseRate(
  probs: ProbabilityMatrix,
  labels: Int32Array,
  index: ClassIndex,
  pruneCountMatrix: number[][],
  minExamplesPerClass: number,
  mask: Uint8Array,
  ws: PruneWorkspace,
): void {
  const { K, counts, start, rows } = index;
  const { keys, selection } = ws;
  for (let k = 0; k < K; k++) {
    const m = counts[k];
    if (!classIsPrunable(m, minExamplesPerClass)) continue;
    const s = start[k];
    for (let j = 0; j < K; j++) {
      const numToPrune = pruneCountMatrix[j][k];
      if (j === k || !(numToPrune > 0)) continue;
      ws.grouped ??= rowsGroupedByClass(probs, labels, index);
      negativeMargins(ws.grouped, s * K, m, K, j, k, keys);
      const picked = firstOfArgsort(keys, m, numToPrune, selection);
      for (let t = 0; t < picked.length; t++) mask[rows[s + picked[t]]] = 1;
    }
  }
}

/**
 * prune_by_class (`_prune_by_class`): for each given class k flag the L[k] − P[k][k] examples labelled k with the
 * lowest p(k), i.e. `np.argsort(p[:, k])[:L[k] − P[k][k]]` over the class's rows in ascending row order.
 * `selfConfidence` is `groupedSelfConfidence(probs, labels, index)`.
 */
export function pruneByClass(
  selfConfidence: Float64Array,
  index: ClassIndex,
  pruneCountMatrix: number[][],
  minExamplesPerClass: number,
  mask: Uint8Array,
  ws: PruneWorkspace,
): void {
  const { K, counts, start, rows } = index;
  for (let k = 0; k < K; k++) {
    const m = counts[k];
    if (!classIsPrunable(m, minExamplesPerClass)) continue;
    const numIssues = m - pruneCountMatrix[k][k];
    if (!(numIssues >= 1)) continue;
    const s = start[k];
    const picked = firstOfArgsort(selfConfidence.subarray(s, s + m), m, numIssues, ws.selection);
    for (let t = 0; t < picked.length; t++) mask[rows[s + picked[t]]] = 1;
  }
}
