import { decodeFloat16 } from './float16';
import type { EmbeddingMatrix } from './linalg';

/** A matrix of embeddings with its row norms, for exact cosine nearest-neighbour queries. */
export interface CosineIndex {
  matrix: EmbeddingMatrix;
  norms: Float64Array;
  /** All row indices, in wasm memory (the rows every query scans). */
  allRows: number;
}

export function cosineIndex(matrix: EmbeddingMatrix): CosineIndex {
  const norms = new Float64Array(matrix.n);
  const row = new Float32Array(matrix.stride);
  for (let i = 0; i < matrix.n; i++) {
    decodeFloat16(matrix.row(i), row);
    let s = 0;
    for (let d = 0; d < matrix.dim; d++) s += row[d] * row[d];
    norms[i] = Math.sqrt(s);
  }
  const allRows = matrix.i32(Int32Array.from({ length: matrix.n }, (_, i) => i));
  return { matrix, norms, allRows };
}

/**
 * The `count` rows most similar to row `index` by cosine similarity (highest first, ties by lower index),
 * itself and all-zero rows excluded: one SIMD pass over every row.
 */
export function nearest(
  ix: CosineIndex,
  index: number,
  count: number,
): { indices: number[]; similarities: number[] } {
  const { matrix: m, norms } = ix;
  if (!Number.isInteger(index) || index < 0 || index >= m.n)
    throw new Error(`row ${index} is outside 0..${m.n - 1}`);
  const qNorm = norms[index];
  if (!(qNorm > 0)) return { indices: [], similarities: [] };
  const mark = m.mark();
  try {
    const q = decodeFloat16(m.row(index), new Float32Array(m.stride));
    const w = m.f64(m.stride);
    const wv = w.view();
    for (let d = 0; d < m.dim; d++) wv[d] = q[d] / qNorm;
    const out = m.f64(m.n);
    m.scores(ix.allRows, m.n, w.ptr, 1, out.ptr);
    const s = out.view();
    // Keep the best `count` in a small array sorted by descending similarity.
    const best: { i: number; sim: number }[] = [];
    for (let i = 0; i < m.n; i++) {
      if (i === index || !(norms[i] > 0)) continue;
      const sim = s[i] / norms[i];
      if (best.length === count && sim <= best[count - 1].sim) continue;
      let at = best.length;
      while (at > 0 && best[at - 1].sim < sim) at--;
      best.splice(at, 0, { i, sim });
      if (best.length > count) best.pop();
    }
    return { indices: best.map((b) => b.i), similarities: best.map((b) => Math.min(1, b.sim)) };
  } finally {
    m.release(mark);
  }
}
