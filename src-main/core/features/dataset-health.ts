import type { CosineIndex } from './nearest';
import { decodeFloat16 } from './float16';

/** Two images whose embeddings point the same way (cosine similarity at or above the threshold). */
export interface SimilarPair {
  a: number;
  b: number;
  similarity: number;
}

export interface HealthScanOptions {
  /** Cosine similarity at or above which two images count as near-duplicates. */
  threshold: number;
  /** Nearest neighbours the outlier score averages over. */
  k: number;
  /** The most similar pairs kept (a low threshold must not fill memory with n² pairs). */
  maxPairs: number;
  /** The query rows this scan covers (default: all), so that worker processes can share one scan. */
  first?: number;
  count?: number;
  /** Called after each block of query rows. */
  onProgress?: (done: number, total: number) => void;
}

export interface HealthScan {
  /** Near-duplicate pairs (a < b, a among the query rows), most similar first, at most maxPairs. */
  pairs: SimilarPair[];
  /** True when more pairs than maxPairs passed the threshold. */
  pairsTruncated: boolean;
  /**
   * Per image: 1 − mean cosine similarity to its k nearest other images (Datalab's outlier idea: far from its
   * neighbours). An all-zero embedding is similar to nothing and scores 1. One per query row.
   */
  outlierScores: Float64Array;
}

/** Scores of one block are n × block float64 values in wasm memory: about 32 MB whatever n is. */
const BLOCK_VALUES = 1 << 22;

/**
 * Exact all-pairs scan of the embeddings by cosine similarity, in blocks of query rows scored by the SIMD
 * kernel against every row: memory stays O(n · block) beside the matrix, time is O(n² · dim) (run it in a
 * worker process, never on a server's event loop).
 */
export function scanEmbeddings(ix: CosineIndex, o: HealthScanOptions): HealthScan {
  const { matrix: m, norms } = ix;
  const n = m.n;
  const k = Math.max(1, Math.min(o.k, n - 1));
  const block = Math.max(1, Math.min(64, Math.floor(BLOCK_VALUES / Math.max(1, n))));
  const first = o.first ?? 0;
  const end = Math.min(n, first + (o.count ?? n));
  const outlierScores = new Float64Array(Math.max(0, end - first)).fill(1);
  let pairs: SimilarPair[] = [];
  let truncated = false;
  const top = new Float64Array(k);
  const q = new Float32Array(m.stride);
  for (let start = first; start < end; start += block) {
    const count = Math.min(block, end - start);
    const mark = m.mark();
    try {
      const w = m.f64(count * m.stride);
      const wv = w.view();
      for (let j = 0; j < count; j++) {
        const norm = norms[start + j];
        if (!(norm > 0)) continue; // a zero query scores 0 everywhere and is skipped below
        decodeFloat16(m.row(start + j), q);
        for (let d = 0; d < m.dim; d++) wv[j * m.stride + d] = q[d] / norm;
      }
      const out = m.f64(n * count);
      m.scores(ix.allRows, n, w.ptr, count, out.ptr);
      const s = out.view();
      for (let j = 0; j < count; j++) {
        const self = start + j;
        if (!(norms[self] > 0)) continue;
        top.fill(-Infinity);
        for (let r = 0; r < n; r++) {
          if (r === self || !(norms[r] > 0)) continue;
          const sim = Math.min(1, s[r * count + j] / norms[r]);
          if (sim > top[k - 1]) {
            let at = k - 1;
            while (at > 0 && top[at - 1] < sim) {
              top[at] = top[at - 1];
              at--;
            }
            top[at] = sim;
          }
          if (r > self && sim >= o.threshold) pairs.push({ a: self, b: r, similarity: sim });
        }
        let sum = 0;
        let have = 0;
        for (let t = 0; t < k; t++)
          if (top[t] > -Infinity) {
            sum += top[t];
            have++;
          }
        outlierScores[self - first] = have ? 1 - sum / have : 1;
      }
    } finally {
      m.release(mark);
    }
    if (pairs.length > 2 * o.maxPairs) {
      pairs = mostSimilar(pairs, o.maxPairs);
      truncated = true;
    }
    o.onProgress?.(start + count - first, end - first);
  }
  if (pairs.length > o.maxPairs) truncated = true;
  return { pairs: mostSimilar(pairs, o.maxPairs), pairsTruncated: truncated, outlierScores };
}

/** The `max` most similar pairs, most similar first (ties by index). */
export const mostSimilar = (pairs: SimilarPair[], max: number): SimilarPair[] =>
  pairs.sort((x, y) => y.similarity - x.similarity || x.a - y.a || x.b - y.b).slice(0, max);

/** Groups of images linked by pairs (connected components), each sorted, groups by their first image. */
export function groupsOf(links: Iterable<[number, number]>): number[][] {
  const parent = new Map<number, number>();
  const find = (x: number): number => {
    let r = x;
    while (parent.get(r) !== undefined && parent.get(r) !== r) r = parent.get(r)!;
    while (x !== r) {
      const next = parent.get(x)!;
      parent.set(x, r);
      x = next;
    }
    return r;
  };
  for (const [a, b] of links) {
    if (!parent.has(a)) parent.set(a, a);
    if (!parent.has(b)) parent.set(b, b);
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(Math.max(ra, rb), Math.min(ra, rb));
  }
  const groups = new Map<number, number[]>();
  for (const x of parent.keys()) {
    const r = find(x);
    const g = groups.get(r);
    if (g) g.push(x);
    else groups.set(r, [x]);
  }
  return [...groups.values()].map((g) => g.sort((a, b) => a - b)).sort((x, y) => x[0] - y[0]);
}

/** Pairs of images with the same content hash (each image linked to the first with its hash). */
export function sameHashLinks(hashes: readonly string[]): [number, number][] {
  const first = new Map<string, number>();
  const links: [number, number][] = [];
  hashes.forEach((h, i) => {
    const f = first.get(h);
    if (f === undefined) first.set(h, i);
    else links.push([f, i]);
  });
  return links;
}

/** Image indices by descending outlier score (ties by index), the first `count`. */
export function topOutliers(scores: Float64Array, count: number): number[] {
  return Array.from(scores.keys())
    .sort((a, b) => scores[b] - scores[a] || a - b)
    .slice(0, count);
}

/** A duplicate group as the health answer and the review order it. */
export interface RankedGroup {
  /** Image indices, ascending. */
  members: number[];
  /** Every member has the same content hash. */
  exact: boolean;
  /** The lowest similarity of the pairs linking it (1 for exact duplicates). */
  similarity: number;
  /** Its members' given labels differ: one of them is wrong whatever a model says. */
  labelsDisagree: boolean;
}

/**
 * Duplicate groups from same-hash links and near-duplicate pairs, in review order: groups whose labels
 * disagree first, then the largest, then the most similar, then by first image.
 */
export function rankedDuplicateGroups(
  hashes: readonly string[],
  labels: readonly number[],
  pairs: readonly SimilarPair[],
): RankedGroup[] {
  const components = groupsOf([...sameHashLinks(hashes), ...pairs.map((p): [number, number] => [p.a, p.b])]);
  const groupOf = new Map<number, number>();
  components.forEach((members, g) => members.forEach((i) => groupOf.set(i, g)));
  const lowestOf = new Float64Array(components.length).fill(1);
  for (const p of pairs) {
    const g = groupOf.get(p.a)!;
    lowestOf[g] = Math.min(lowestOf[g], p.similarity);
  }
  return components
    .map((members, g): RankedGroup => {
      const exact = members.every((i) => hashes[i] === hashes[members[0]]);
      return {
        members,
        exact,
        similarity: exact ? 1 : lowestOf[g],
        labelsDisagree: new Set(members.map((i) => labels[i])).size > 1,
      };
    })
    .sort(
      (x, y) =>
        Number(y.labelsDisagree) - Number(x.labelsDisagree) ||
        y.members.length - x.members.length ||
        y.similarity - x.similarity ||
        x.members[0] - y.members[0],
    );
}
