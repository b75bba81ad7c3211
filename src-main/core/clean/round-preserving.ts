import { argsortNumpy } from './numpy-argsort';
import { npSum, rint, truncToInt } from './numpy-float';

/** cleanlab's tolerance for "these floats are equal" (`FLOATING_POINT_COMPARISON`). */
export const FLOATING_POINT_COMPARISON = 1e-6;

/**
 * cleanlab's `round_preserving_sum`: round each value half-to-even, then, while the integer total differs from
 * rint(Σ values), add ±1 to the entries whose rounding error (value − rounded) is largest (when the total is too
 * low) or smallest (when too high), at most |difference| entries per pass, picked in numpy argsort order.
 */
export function roundPreservingSum(values: ArrayLike<number>): number[] {
  const n = values.length;
  const floats = Float64Array.from(values);
  const ints = new Float64Array(n);
  for (let i = 0; i < n; i++) ints[i] = rint(floats[i]);
  const origSum = rint(npSum(floats));
  let intSum = rint(npSum(ints));
  while (Math.abs(intSum - origSum) > FLOATING_POINT_COMPARISON) {
    const diff = rint(origSum - intSum);
    const increment = diff < 0 ? -1 : 1;
    const changes = Math.min(Math.trunc(Math.abs(diff)), n);
    const residual = new Float64Array(n);
    for (let i = 0; i < n; i++) residual[i] = floats[i] - ints[i];
    const order = argsortNumpy(residual);
    // increment +1 walks the argsort from the end (largest residual first), −1 from the start.
    for (let c = 0; c < changes; c++) {
      const i = increment === 1 ? order[n - 1 - c] : order[c];
      ints[i] += increment;
    }
    intSum = rint(npSum(ints));
  }
  return Array.from(ints, truncToInt);
}

/** cleanlab's `round_preserving_row_totals`: `roundPreservingSum` applied to each row. */
export function roundPreservingRowTotals(matrix: ArrayLike<number>[]): number[][] {
  return matrix.map((row) => roundPreservingSum(row));
}
