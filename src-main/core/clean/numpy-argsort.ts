/**
 * `np.argsort` as numpy 1.24 computes it for float64 (default kind 'quicksort' = introsort, NOT stable), so
 * that tied keys come out in exactly cleanlab's order, plus a fast exact "first m of the argsort" selection.
 */

/** Partitions of at most this many elements + 1 are insertion-sorted (numpy's `SMALL_QUICKSORT`). */
const SMALL_QUICKSORT = 15;

/** numpy's float ordering: a < b, with NaN sorted last. */
function less(a: number, b: number): boolean {
  return a < b || (b !== b && a === a);
}

/** floor(log2(n)) for n ≥ 1, 0 for n = 0 (numpy's `npy_get_msb`). */
function msb(n: number): number {
  return n <= 1 ? 0 : 31 - Math.clz32(n);
}

/** numpy's `aheapsort_` on `idx[lo .. lo+n-1]` (the introsort fallback once the depth budget is spent). */
function heapsortIndices(v: ArrayLike<number>, idx: Int32Array, lo: number, n: number): void {
  // numpy indexes the heap 1-based: a[i] = idx[lo + i - 1].
  const base = lo - 1;
  for (let l = n >> 1; l > 0; --l) {
    const tmp = idx[base + l];
    let i = l;
    for (let j = l << 1; j <= n;) {
      if (j < n && less(v[idx[base + j]], v[idx[base + j + 1]])) j += 1;
      if (less(v[tmp], v[idx[base + j]])) {
        idx[base + i] = idx[base + j];
        i = j;
        j += j;
      } else break;
    }
    idx[base + i] = tmp;
  }
  for (; n > 1;) {
    const tmp = idx[base + n];
    idx[base + n] = idx[base + 1];
    n -= 1;
    let i = 1;
    for (let j = 2; j <= n;) {
      if (j < n && less(v[idx[base + j]], v[idx[base + j + 1]])) j++;
      if (less(v[tmp], v[idx[base + j]])) {
        idx[base + i] = idx[base + j];
        i = j;
        j += j;
      } else break;
    }
    idx[base + i] = tmp;
  }
}

/**
 * Sorts the index array `idx[0..n-1]` by `v[idx[·]]` with numpy 1.24's `aquicksort_`: median-of-three
 * quicksort that recurses into the smaller side, insertion sort below 16 elements, heapsort once the depth
 * budget 2·floor(log2 n) is spent. Equal keys end up in numpy's (unstable) order.
 */
export function argsortIndicesInPlace(v: ArrayLike<number>, idx: Int32Array, n = idx.length): void {
  let pl = 0;
  let pr = n - 1;
  const stack: number[] = [];
  const depthStack: number[] = [];
  let cdepth = msb(n) * 2;
  for (;;) {
    if (cdepth < 0) {
      heapsortIndices(v, idx, pl, pr - pl + 1);
    } else {
      while (pr - pl > SMALL_QUICKSORT) {
        const pm = pl + ((pr - pl) >> 1);
        let t: number;
        if (less(v[idx[pm]], v[idx[pl]])) {
          t = idx[pm];
          idx[pm] = idx[pl];
          idx[pl] = t;
        }
        if (less(v[idx[pr]], v[idx[pm]])) {
          t = idx[pr];
          idx[pr] = idx[pm];
          idx[pm] = t;
        }
        if (less(v[idx[pm]], v[idx[pl]])) {
          t = idx[pm];
          idx[pm] = idx[pl];
          idx[pl] = t;
        }
        const vp = v[idx[pm]];
        let pi = pl;
        let pj = pr - 1;
        t = idx[pm];
        idx[pm] = idx[pj];
        idx[pj] = t;
        for (;;) {
          do ++pi;
          while (less(v[idx[pi]], vp));
          do --pj;
          while (less(vp, v[idx[pj]]));
          if (pi >= pj) break;
          t = idx[pi];
          idx[pi] = idx[pj];
          idx[pj] = t;
        }
        const pk = pr - 1;
        t = idx[pi];
        idx[pi] = idx[pk];
        idx[pk] = t;
        // Push the larger partition, keep working on the smaller one.
        if (pi - pl < pr - pi) {
          stack.push(pi + 1, pr);
          pr = pi - 1;
        } else {
          stack.push(pl, pi - 1);
          pl = pi + 1;
        }
        depthStack.push(--cdepth);
      }
      for (let pi = pl + 1; pi <= pr; ++pi) {
        const vi = idx[pi];
        const vp = v[vi];
        let pj = pi;
        while (pj > pl && less(vp, v[idx[pj - 1]])) {
          idx[pj] = idx[pj - 1];
          pj--;
        }
        idx[pj] = vi;
      }
    }
    if (stack.length === 0) break;
    pr = stack.pop()!;
    pl = stack.pop()!;
    cdepth = depthStack.pop()!;
  }
}

/** `np.argsort(v)` (numpy 1.24, default kind): positions 0..n-1 ordered by ascending v, ties as numpy orders them. */
export function argsortNumpy(v: ArrayLike<number>): Int32Array {
  const n = v.length;
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  argsortIndicesInPlace(v, idx, n);
  return idx;
}

/** Value of rank `m` (0-based) among `a[lo..hi]`, partially reordering `a` (introselect; sorts on bad pivots). */
function selectInPlace(a: Float64Array, lo: number, hi: number, m: number): number {
  let budget = 2 * msb(hi - lo + 1) + 4;
  while (hi - lo > SMALL_QUICKSORT) {
    if (budget-- <= 0) {
      a.subarray(lo, hi + 1).sort();
      return a[m];
    }
    const mid = lo + ((hi - lo) >> 1);
    // Median of three to a[mid], then Hoare partition around it (stops on equal keys: balanced on ties).
    if (a[mid] < a[lo]) swap(a, mid, lo);
    if (a[hi] < a[mid]) swap(a, hi, mid);
    if (a[mid] < a[lo]) swap(a, mid, lo);
    const pivot = a[mid];
    let i = lo;
    let j = hi;
    for (;;) {
      while (a[i] < pivot) i++;
      while (pivot < a[j]) j--;
      if (i >= j) break;
      swap(a, i, j);
      i++;
      j--;
    }
    // a[lo..j] <= pivot <= a[j+1..hi]
    if (m <= j) hi = j;
    else lo = j + 1;
  }
  for (let i = lo + 1; i <= hi; i++) {
    const x = a[i];
    let j = i;
    while (j > lo && x < a[j - 1]) {
      a[j] = a[j - 1];
      j--;
    }
    a[j] = x;
  }
  return a[m];
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
}

/** Above this many keys, selection first narrows the candidates with a sample (one predictable pass). */
const SAMPLE_FROM = 4096;
const SAMPLE_SIZE = 1024;
const sample = new Float64Array(SAMPLE_SIZE);

/** Scratch space for `firstOfArgsort` over up to `size` keys. */
export interface SelectionBuffers {
  values: Float64Array;
  work: Float64Array;
  positions: Int32Array;
}

/** Buffers for selections over up to `size` keys (20 bytes per key). */
export function selectionBuffers(size: number): SelectionBuffers {
  return { values: new Float64Array(size), work: new Float64Array(size), positions: new Int32Array(size) };
}

/**
 * Copies into `values`/`positions` (ascending positions) a set of keys that contains the rank+1 smallest ones and
 * returns its size. With many keys, a sample of 1024 keys gives a cut a few standard deviations above the
 * expected quantile; if fewer than rank+1 keys lie below it, every key is taken.
 */
function gatherCandidates(keys: Float64Array, n: number, rank: number, buf: SelectionBuffers): number {
  const { values, positions } = buf;
  if (n > SAMPLE_FROM) {
    for (let i = 0; i < SAMPLE_SIZE; i++) sample[i] = keys[Math.floor((i * n) / SAMPLE_SIZE)];
    sample.sort();
    const p = (rank + 1) / n;
    const q = Math.ceil(p * SAMPLE_SIZE + 3 * Math.sqrt(p * (1 - p) * SAMPLE_SIZE) + 2);
    if (q < SAMPLE_SIZE) {
      const cut = sample[q];
      let len = 0;
      for (let i = 0; i < n; i++) {
        const k = keys[i];
        if (k <= cut) {
          values[len] = k;
          positions[len++] = i;
        }
      }
      if (len > rank) return len;
    }
  }
  for (let i = 0; i < n; i++) {
    values[i] = keys[i];
    positions[i] = i;
  }
  return n;
}

/**
 * The set `np.argsort(keys[0..n-1])[:m]` (as positions into keys, ascending), exactly as numpy 1.24 picks it,
 * without sorting: select the m-th smallest key v; every key < v is in; if all keys == v fit in too the set is
 * unambiguous, otherwise ties straddle the cut and the full numpy argsort decides which tied keys make it.
 * `buf` must hold at least n keys. Keys must not be NaN.
 */
export function firstOfArgsort(keys: Float64Array, n: number, m: number, buf: SelectionBuffers): Int32Array {
  if (m <= 0 || n === 0) return new Int32Array(0);
  if (m >= n) {
    const all = new Int32Array(n);
    for (let i = 0; i < n; i++) all[i] = i;
    return all;
  }
  const len = gatherCandidates(keys, n, m - 1, buf);
  const { values, work, positions } = buf;
  work.set(values.subarray(0, len));
  const v = selectInPlace(work, 0, len - 1, m - 1);
  // Every key ≤ v is a candidate, so ties are counted exactly.
  let below = 0;
  let equal = 0;
  for (let i = 0; i < len; i++) {
    const k = values[i];
    if (k < v) below++;
    else if (k === v) equal++;
  }
  const out = new Int32Array(m);
  if (below + equal === m) {
    let w = 0;
    for (let i = 0; i < len; i++) if (values[i] <= v) out[w++] = positions[i];
    return out;
  }
  const order = argsortNumpy(keys.subarray(0, n));
  out.set(order.subarray(0, m));
  out.sort();
  return out;
}
