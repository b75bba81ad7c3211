import { describe, expect, it } from 'vitest';
import { toHalfBits } from '../../src-main/core/features/float16';
import { EmbeddingMatrix } from '../../src-main/core/features/linalg';
import { C_GRID, fitAndPredict, selectC } from '../../src-main/core/features/logistic-cv';
import { mulberry32 } from '../../src-main/core/random/seeded';

/** n samples of `dim` features: class-dependent means (separation × label) plus unit Gaussian noise. */
function dataset(n: number, dim: number, separation: number, seed: number) {
  const rng = mulberry32(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  const labels = Int32Array.from({ length: n }, () => (rng() < 0.3 ? 0 : 1));
  const x = Array.from({ length: n }, (_, i) =>
    Array.from({ length: dim }, (_, d) => (d < 4 ? separation * labels[i] : 0) + gauss() + 1),
  );
  return { labels, x };
}

const matrix = (x: number[][]) =>
  EmbeddingMatrix.create(x.length, x[0].length, (rows, stride) =>
    x.forEach((r, i) => r.forEach((v, d) => (rows[i * stride + d] = toHalfBits(v)))),
  );
const range = (a: number, b: number) => Int32Array.from({ length: b - a }, (_, i) => a + i);

describe('inner cross-validation', () => {
  it('picks strong regularisation for labels unrelated to the features, weaker for a learnable signal', () => {
    const noise = dataset(300, 24, 0, 1);
    const shuffled = Int32Array.from(noise.labels).reverse(); // labels independent of the features
    const a = selectC(matrix(noise.x), range(0, 300), shuffled, 2, 7, false);
    expect(a.C).toBeLessThanOrEqual(C_GRID[1]);
    const signal = dataset(300, 24, 1.5, 2);
    const b = selectC(matrix(signal.x), range(0, 300), signal.labels, 2, 7, false);
    expect(b.C).toBeGreaterThanOrEqual(C_GRID[3]);
    // The chosen C is the one with the lowest mean validation loss among those it tried.
    const tried = b.losses.map((l, i) => ({ l, i })).filter((t) => Number.isFinite(t.l));
    expect(C_GRID[tried.reduce((m, t) => (t.l < m.l ? t : m)).i]).toBe(b.C);
  });

  it('never reads the held-out fold: its features and labels change nothing about C or the fitted model', () => {
    const { x, labels } = dataset(240, 16, 1, 3);
    const train = range(0, 180);
    const heldOut = range(180, 240);
    const run = (xs: number[][]) =>
      fitAndPredict(matrix(xs), {
        trainIndices: train,
        trainLabels: labels.subarray(0, 180),
        predictIndices: range(0, 10), // training rows only: the held-out rows are never asked for
        numClasses: 2,
        seed: 5,
        classWeights: false,
      });
    const clean = run(x);
    // Held-out rows replaced by NaN (float16 0x7e00 decodes to NaN): any read would poison every sum it enters.
    const poisoned = x.map((row, i) => (i >= 180 ? row.map(() => Number.NaN) : row));
    const r = run(poisoned);
    expect(r.C).toBe(clean.C);
    expect(Array.from(r.probs)).toEqual(Array.from(clean.probs));
    expect(r.probs.every(Number.isFinite)).toBe(true);
    expect(heldOut.length).toBe(60);
  });
});
