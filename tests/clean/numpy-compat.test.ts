import { describe, expect, it } from 'vitest';
import { argsortNumpy, firstOfArgsort, selectionBuffers } from '../../src-main/core/clean/numpy-argsort';
import { argmaxRow, pairwiseSum, rint, truncToInt } from '../../src-main/core/clean/numpy-float';
import { roundPreservingRowTotals, roundPreservingSum } from '../../src-main/core/clean/round-preserving';
import { prng } from './fixtures';

describe('numpy float semantics', () => {
  it('rint rounds half to even', () => {
    expect([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4999999999999996, 3.7, -3.7].map(rint)).toEqual([
      0, 2, 2, -0, -2, -2, 2, 4, -4,
    ]);
  });

  it('astype(int) truncates and maps non-finite values to INT64_MIN', () => {
    expect([2.9, -2.9, NaN, Infinity].map(truncToInt)).toEqual([2, -2, -(2 ** 63), -(2 ** 63)]);
  });

  it('pairwise summation: sequential below 8, eight accumulators up to 128, halves beyond', () => {
    const a = Float64Array.from({ length: 10 }, (_, i) => 0.1 * (i + 1));
    const r = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => a[i]);
    const eight = r[0] + r[1] + (r[2] + r[3]) + (r[4] + r[5] + (r[6] + r[7]));
    expect(pairwiseSum(a, 0, 10)).toBe(eight + a[8] + a[9]);
    expect(pairwiseSum(a, 0, 5)).toBe(-0 + a[0] + a[1] + a[2] + a[3] + a[4]);
    const big = Float64Array.from({ length: 300 }, (_, i) => 1 / (i + 1));
    // 300 → 144 + 156 (n/2 = 150 rounded down to a multiple of 8)
    expect(pairwiseSum(big, 0, 300)).toBe(pairwiseSum(big, 0, 144) + pairwiseSum(big, 144, 156));
    expect(pairwiseSum(a, 1, 4, 2)).toBe(-0 + a[1] + a[3] + a[5] + a[7]);
  });

  it('argmax returns the first maximum', () => {
    expect(argmaxRow([0.2, 0.4, 0.4, 0.1, 0.3, 0.3], 0, 3)).toBe(1);
    expect(argmaxRow([0.2, 0.4, 0.4, 0.1, 0.3, 0.3], 1, 3)).toBe(1);
  });
});

describe('round_preserving_sum', () => {
  it('hand-computed: [0.5, 0.5, 1.0] rounds to [0, 0, 1] and the largest residual (argsort reversed) gets +1', () => {
    // residuals [.5, .5, 0]: argsort [2, 0, 1] reversed → index 1 first
    expect(roundPreservingSum([0.5, 0.5, 1.0])).toEqual([0, 1, 1]);
  });
  it('too high a total takes 1 from the smallest residuals first', () => {
    // rint: [2, 2, 2] = 6 but the sum 5.3 rounds to 5; residuals [-.4, -.4, .1] → argsort [0, 1, 2] → index 0
    expect(roundPreservingSum([1.6, 1.6, 2.1])).toEqual([1, 2, 2]);
  });
  it('keeps every row total', () => {
    const rand = prng(3);
    const m = Array.from({ length: 20 }, () => Array.from({ length: 13 }, () => rand() * 10));
    roundPreservingRowTotals(m).forEach((row, i) => {
      expect(row.reduce((a, b) => a + b, 0)).toBe(Math.round(m[i].reduce((a, b) => a + b, 0)));
    });
  });
});

describe('numpy introsort argsort', () => {
  it('sorts and is a permutation, including long runs of ties and adversarial shapes', () => {
    const rand = prng(9);
    const shapes = [
      Array.from({ length: 5000 }, () => Math.floor(rand() * 3)),
      Array.from({ length: 3000 }, (_, i) => i),
      Array.from({ length: 3000 }, (_, i) => -i),
      Array.from({ length: 4097 }, (_, i) => (i % 2 ? i : -i)),
      Array.from({ length: 2048 }, () => 1),
    ];
    for (const keys of shapes) {
      const idx = argsortNumpy(keys);
      expect(new Set(idx).size).toBe(keys.length);
      for (let t = 1; t < idx.length; t++) expect(keys[idx[t]]).toBeGreaterThanOrEqual(keys[idx[t - 1]]);
    }
  });

  it('insertion sort below 17 elements is stable', () => {
    expect(Array.from(argsortNumpy([1, 0, 1, 0, 1, 0]))).toEqual([1, 3, 5, 0, 2, 4]);
  });

  it('firstOfArgsort = the first m of argsortNumpy, as a set, for all m (with and without ties, small and large)', () => {
    const rand = prng(5);
    for (const [n, levels] of [
      [40, 4],
      [40, 0],
      [9000, 50],
      [9000, 0],
      [20000, 3],
    ]) {
      const keys = Float64Array.from({ length: n }, () => (levels ? Math.floor(rand() * levels) : rand()));
      const order = argsortNumpy(keys);
      const buf = selectionBuffers(n);
      for (const m of [0, 1, 2, Math.floor(n / 100), Math.floor(n / 3), n - 1, n, n + 5]) {
        const want = Array.from(order.subarray(0, Math.max(0, Math.min(m, n)))).sort((a, b) => a - b);
        expect(Array.from(firstOfArgsort(keys, n, m, buf)), `n=${n} levels=${levels} m=${m}`).toEqual(want);
      }
    }
  });
});
