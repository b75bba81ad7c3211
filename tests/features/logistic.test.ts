import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { toHalfBits } from '../../src-main/core/features/float16';
import { EmbeddingMatrix } from '../../src-main/core/features/linalg';
import { fitLogistic, fitStandardizer, predictProba } from '../../src-main/core/features/logistic';
import { classWeights } from '../../src-main/core/train/trainer';

interface Case {
  name: string;
  C: number;
  balanced: boolean;
  numClasses: number;
  dim: number;
  x: number[][];
  y: number[];
  nTrain: number;
  probaTrain: number[][];
  probaTest: number[][];
}
const fixture = JSON.parse(
  readFileSync(new URL('../data/features/logistic-sklearn.json', import.meta.url), 'utf8'),
) as { cases: Case[] };

export function matrixOf(x: number[][]): EmbeddingMatrix {
  return EmbeddingMatrix.create(x.length, x[0].length, (rows, stride) =>
    x.forEach((row, i) => row.forEach((v, d) => (rows[i * stride + d] = toHalfBits(v)))),
  );
}

const range = (a: number, b: number) => Int32Array.from({ length: b - a }, (_, i) => a + i);
const maxDiff = (got: Float64Array, want: number[][]) =>
  want.flat().reduce((m, v, i) => Math.max(m, Math.abs(v - got[i])), 0);

describe('logistic regression', () => {
  it('matches a hand-computed case: two points, one feature, C = 1', () => {
    // x = +1 → class 1, x = −1 → class 0. By symmetry the biases are equal and w1 = −w0 = a; setting the
    // gradient C·Σ(p − y)·x + w to zero gives a = 2C·(1 − σ(2a)), and p(class 1 | x = 1) = σ(2a).
    const sigma = (t: number) => 1 / (1 + Math.exp(-t));
    let lo = 0;
    let hi = 2;
    for (let i = 0; i < 100; i++) {
      const mid = (lo + hi) / 2;
      if (mid - 2 * (1 - sigma(2 * mid)) < 0) lo = mid;
      else hi = mid;
    }
    const a = lo; // 0.52130
    expect(a).toBeCloseTo(0.5213, 4);
    const m = matrixOf([[1], [-1]]);
    const rows = range(0, 2);
    const labels = Int32Array.of(1, 0);
    const standardizer = fitStandardizer(m, rows);
    expect(Array.from(standardizer.mean)).toEqual([0]);
    expect(Array.from(standardizer.scale)).toEqual([1]);
    const { model, converged } = fitLogistic(m, {
      rows,
      labels,
      numClasses: 2,
      C: 1,
      standardizer,
      tolerance: 1e-9,
    });
    expect(converged).toBe(true);
    expect(model.weights[1]).toBeCloseTo(a, 8);
    expect(model.weights[0]).toBeCloseTo(-a, 8);
    expect(model.bias[1] - model.bias[0]).toBeCloseTo(0, 8);
    const p = predictProba(m, model, rows);
    expect(p[1]).toBeCloseTo(sigma(2 * a), 7); // 0.73935
    expect(p[2]).toBeCloseTo(sigma(2 * a), 7);
  });

  for (const c of fixture.cases) {
    it(`matches scikit-learn 1.2.1 (newton-cg, tight tolerance): ${c.name}`, () => {
      const m = matrixOf(c.x);
      const train = range(0, c.nTrain);
      const labels = Int32Array.from(c.y);
      const standardizer = fitStandardizer(m, train);
      const weights = c.balanced ? Float64Array.from(classWeights(labels, c.numClasses)) : undefined;
      const { model, converged } = fitLogistic(m, {
        rows: train,
        labels,
        numClasses: c.numClasses,
        C: c.C,
        classWeights: weights,
        standardizer,
        tolerance: 1e-8,
        maxIterations: 5000,
      });
      expect(converged).toBe(true);
      expect(maxDiff(predictProba(m, model, train), c.probaTrain)).toBeLessThan(1e-6);
      expect(maxDiff(predictProba(m, model, range(c.nTrain, c.x.length)), c.probaTest)).toBeLessThan(1e-6);
    });
  }

  it('warm start reaches the same solution', () => {
    const c = fixture.cases[1];
    const m = matrixOf(c.x);
    const train = range(0, c.nTrain);
    const labels = Int32Array.from(c.y);
    const standardizer = fitStandardizer(m, train);
    const base = { rows: train, labels, numClasses: c.numClasses, standardizer, tolerance: 1e-8 };
    const other = fitLogistic(m, { ...base, C: 1 });
    const warm = fitLogistic(m, { ...base, C: c.C, init: other.model });
    const cold = fitLogistic(m, { ...base, C: c.C });
    const diff = warm.model.weights.reduce(
      (mx, w, i) => Math.max(mx, Math.abs(w - cold.model.weights[i])),
      0,
    );
    expect(diff).toBeLessThan(1e-6);
  });
});
