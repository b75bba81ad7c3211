/**
 * Float arithmetic that reproduces numpy 1.24 bit for bit where cleanlab's results depend on it:
 * the order of additions in `np.sum`, round-half-to-even `np.round`, and `astype(int)`.
 */

/** Size of the blocks numpy sums with eight accumulators (`PW_BLOCKSIZE`). */
const PAIRWISE_BLOCK = 128;

/**
 * numpy's pairwise summation of `n` values `a[offset + i*stride]` (what `np.sum` / `add.reduce` does along a
 * contiguous axis): fewer than 8 values are added left to right; up to 128 values are added into eight
 * interleaved accumulators r0..r7 combined as ((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7)), then the tail is added;
 * longer runs are split at n2 = floor(n/2) rounded down to a multiple of 8 and the halves summed recursively.
 */
export function pairwiseSum(a: Float64Array, offset: number, n: number, stride = 1): number {
  if (n < 8) {
    let res = -0;
    for (let i = 0; i < n; i++) res += a[offset + i * stride];
    return res;
  }
  if (n <= PAIRWISE_BLOCK) {
    let r0 = a[offset];
    let r1 = a[offset + stride];
    let r2 = a[offset + 2 * stride];
    let r3 = a[offset + 3 * stride];
    let r4 = a[offset + 4 * stride];
    let r5 = a[offset + 5 * stride];
    let r6 = a[offset + 6 * stride];
    let r7 = a[offset + 7 * stride];
    const blockEnd = n - (n % 8);
    let i = 8;
    for (; i < blockEnd; i += 8) {
      const o = offset + i * stride;
      r0 += a[o];
      r1 += a[o + stride];
      r2 += a[o + 2 * stride];
      r3 += a[o + 3 * stride];
      r4 += a[o + 4 * stride];
      r5 += a[o + 5 * stride];
      r6 += a[o + 6 * stride];
      r7 += a[o + 7 * stride];
    }
    let res = r0 + r1 + (r2 + r3) + (r4 + r5 + (r6 + r7));
    for (; i < n; i++) res += a[offset + i * stride];
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwiseSum(a, offset, n2, stride) + pairwiseSum(a, offset + n2 * stride, n - n2, stride);
}

/** `np.sum` of a whole 1-D array: 0 + pairwise sum (the reduction starts from add's identity 0). */
export function npSum(a: Float64Array): number {
  return 0 + pairwiseSum(a, 0, a.length, 1);
}

/** `np.rint` / `np.round(x)`: round to the nearest integer, ties to even. */
export function rint(x: number): number {
  if (!Number.isFinite(x)) return x;
  const f = Math.floor(x);
  const d = x - f; // exact for doubles
  const r = d < 0.5 ? f : d > 0.5 ? f + 1 : f % 2 === 0 ? f : f + 1;
  // like C rint, a result of zero keeps the sign of x (−0.4 → −0)
  return r === 0 && x < 0 ? -0 : r;
}

/**
 * `x.astype(int)` on x86-64: truncation toward zero; NaN and ±Infinity become INT64_MIN (the CPU's
 * "integer indefinite"), which cleanlab's `> 0` tests then treat as "prune nothing".
 */
export function truncToInt(x: number): number {
  if (!Number.isFinite(x)) return -9223372036854775808;
  return Math.trunc(x);
}

/** `np.argmax` of row `i` of a row-major n×K matrix: the first index holding the maximum. */
export function argmaxRow(probs: ArrayLike<number>, i: number, K: number): number {
  const base = i * K;
  let best = probs[base];
  let arg = 0;
  for (let j = 1; j < K; j++) {
    const v = probs[base + j];
    if (v > best) {
      best = v;
      arg = j;
    }
  }
  return arg;
}
