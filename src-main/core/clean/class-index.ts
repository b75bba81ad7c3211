/** Rows grouped by given label, each group in ascending row order (what `pred_probs[labels == k]` selects). */
export interface ClassIndex {
  K: number;
  /** counts[k] = number of rows with given label k (cleanlab's `value_counts_fill_missing_classes`). */
  counts: Int32Array;
  /** Rows of class k are rows[start[k] .. start[k+1]-1]. */
  start: Int32Array;
  rows: Int32Array;
}

/** Counting sort of row indices by label: O(n), stable, so every class keeps ascending row order. */
export function indexRowsByClass(labels: Int32Array, K: number): ClassIndex {
  const n = labels.length;
  const counts = new Int32Array(K);
  for (let i = 0; i < n; i++) counts[labels[i]]++;
  const start = new Int32Array(K + 1);
  for (let k = 0; k < K; k++) start[k + 1] = start[k] + counts[k];
  const next = start.slice(0, K);
  const rows = new Int32Array(n);
  for (let i = 0; i < n; i++) rows[next[labels[i]]++] = i;
  return { K, counts, start, rows };
}

/** Number of rows per class 0..K−1 (zero for classes without examples). */
export function labelCounts(labels: ArrayLike<number>, K: number): number[] {
  const counts = new Array<number>(K).fill(0);
  for (let i = 0; i < labels.length; i++) counts[labels[i]]++;
  return counts;
}

/**
 * Self-confidence p[i][y_i] of every row, grouped like `index.rows` (class k occupies start[k]..start[k+1]−1,
 * ascending row order). One sequential pass over the matrix.
 */
export function groupedSelfConfidence(
  probs: ArrayLike<number>,
  labels: Int32Array,
  index: ClassIndex,
): Float64Array {
  const { K, start } = index;
  const next = start.slice(0, K);
  const out = new Float64Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i];
    out[next[y]++] = probs[i * K + y];
  }
  return out;
}

/**
 * A copy of the n×K matrix with its rows grouped like `index.rows` (class by class, ascending row order within a
 * class), in the input's element type so every value stays exact. One sequential pass: per-class work then reads
 * contiguous memory instead of gathering scattered rows K − 1 times.
 */
export function rowsGroupedByClass<T extends Float32Array | Float64Array>(
  probs: T,
  labels: Int32Array,
  index: ClassIndex,
): T {
  const { K, start } = index;
  const next = start.slice(0, K);
  const out = (
    probs instanceof Float32Array ? new Float32Array(probs.length) : new Float64Array(probs.length)
  ) as T;
  for (let i = 0, src = 0; i < labels.length; i++, src += K) {
    const dst = next[labels[i]]++ * K;
    for (let j = 0; j < K; j++) out[dst + j] = probs[src + j];
  }
  return out;
}
