/**
 * The features scikit-learn's `SelectPercentile(percentile).fit(...).get_support()` keeps for these scores
 * (sklearn 1.2 `_get_support_mask`, with numpy's default 'linear' percentile):
 *   NaN scores become the most negative float64; threshold = np.percentile(scores, 100 − percentile);
 *   keep scores > threshold, then scores equal to it in index order until int(n·percentile/100) are kept
 *   (Python slice semantics: a negative budget drops that many ties from the end).
 */
export function selectPercentileMask(scores: ArrayLike<number>, percentile = 10): Uint8Array {
  if (!(percentile >= 0 && percentile <= 100))
    throw new Error(`percentile must be in [0, 100], got ${percentile}`);
  const n = scores.length;
  const mask = new Uint8Array(n);
  if (percentile === 100) return mask.fill(1);
  if (percentile === 0 || n === 0) return mask;
  const clean = Float64Array.from(scores, (s) => (Number.isNaN(s) ? -Number.MAX_VALUE : s));
  const threshold = numpyPercentile(clean, 100 - percentile);
  let kept = 0;
  const ties: number[] = [];
  for (let i = 0; i < n; i++) {
    if (clean[i] > threshold) {
      mask[i] = 1;
      kept++;
    } else if (clean[i] === threshold) ties.push(i);
  }
  if (ties.length) {
    const maxFeats = Math.trunc((n * percentile) / 100);
    const budget = maxFeats - kept;
    const end = budget >= 0 ? Math.min(budget, ties.length) : Math.max(0, ties.length + budget);
    for (let t = 0; t < end; t++) mask[ties[t]] = 1;
  }
  return mask;
}

/** np.percentile(values, q) with the default 'linear' method (Hyndman & Fan type 7), numpy 1.24's arithmetic. */
export function numpyPercentile(values: Float64Array, q: number): number {
  const n = values.length;
  const sorted = Float64Array.from(values).sort();
  const virtual = (n - 1) * (q / 100);
  if (virtual >= n - 1) return sorted[n - 1];
  if (virtual < 0) return sorted[0];
  const lo = Math.floor(virtual);
  const gamma = virtual - lo;
  const a = sorted[lo];
  const b = sorted[lo + 1];
  const diff = b - a;
  // numpy's _lerp: a + d·t, recomputed from the upper end for t ≥ 0.5.
  return gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma;
}
