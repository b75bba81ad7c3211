import { describe, expect, it } from 'vitest';
import { applyTemperature, calibrationSummary, fitTemperature } from '../../src-main/core/train/calibration';
import { mulberry32 } from '../../src-main/core/random/seeded';

const rowSums = (p: Float32Array, k: number) =>
  Array.from({ length: p.length / k }, (_, r) => p.subarray(r * k, r * k + k).reduce((a, b) => a + b, 0));

describe('applyTemperature', () => {
  it('is softmax(log p / T): T = 2 turns (0.8, 0.2) into (2/3, 1/3)', () => {
    // √0.8 : √0.2 = 2 : 1
    const p = applyTemperature([0.8, 0.2], 2, 2);
    expect(p[0]).toBeCloseTo(2 / 3, 6);
    expect(p[1]).toBeCloseTo(1 / 3, 6);
  });

  it('keeps every row a distribution and the top class in place, and T = 1 changes nothing', () => {
    const rng = mulberry32(3);
    const k = 4;
    const raw = Array.from({ length: 50 }, () => {
      const row = Array.from({ length: k }, () => rng() ** 3);
      const s = row.reduce((a, b) => a + b, 0);
      return row.map((v) => v / s);
    }).flat();
    for (const t of [0.3, 1, 2.5]) {
      const p = applyTemperature(raw, k, t);
      for (const s of rowSums(p, k)) expect(s).toBeCloseTo(1, 6);
      for (let r = 0; r < 50; r++) {
        const top = (a: ArrayLike<number>) => {
          let b = 0;
          for (let c = 1; c < k; c++) if (a[r * k + c] > a[r * k + b]) b = c;
          return b;
        };
        expect(top(p)).toBe(top(raw));
      }
      if (t === 1) p.forEach((v, i) => expect(v).toBeCloseTo(raw[i], 6));
    }
  });

  it('survives zero probabilities and rejects a bad temperature', () => {
    const p = applyTemperature([1, 0, 0], 3, 0.5);
    expect(rowSums(p, 3)[0]).toBeCloseTo(1, 6);
    expect(p[0]).toBeGreaterThan(0.999);
    expect(() => applyTemperature([0.5, 0.5], 2, 0)).toThrow(/positive/);
    expect(() => applyTemperature([0.5, 0.5, 0.1], 2, 1)).toThrow(/rows of 2/);
  });
});

describe('fitTemperature', () => {
  it('finds the hand-computed optimum: three of four (0.8, 0.2) rows are class 0 → T = ln 4 / ln 3', () => {
    // The fitted probability of class 0 must be the empirical 3/4: 1 / (1 + 4^(−1/T)) = 3/4 ⇔ T = ln 4 / ln 3.
    const probs = [0.8, 0.2, 0.8, 0.2, 0.8, 0.2, 0.8, 0.2];
    const t = fitTemperature(probs, [0, 0, 0, 1], 2);
    expect(t).toBeCloseTo(Math.log(4) / Math.log(3), 6);
    expect(applyTemperature([0.8, 0.2], 2, t)[0]).toBeCloseTo(0.75, 6);
  });

  it('softens over-confident and sharpens under-confident predictions', () => {
    const rng = mulberry32(8);
    const n = 2000;
    const k = 3;
    // True class probabilities q; the model reports q^3 (over-confident) or q^(1/3) (under-confident).
    const labels: number[] = [];
    const over: number[] = [];
    const under: number[] = [];
    for (let i = 0; i < n; i++) {
      const logits = [rng() * 3, rng() * 3, rng() * 3];
      const e = logits.map(Math.exp);
      const s = e.reduce((a, b) => a + b, 0);
      const q = e.map((v) => v / s);
      const u = rng();
      labels.push(u < q[0] ? 0 : u < q[0] + q[1] ? 1 : 2);
      const norm = (a: number[]) => a.map((v) => v / a.reduce((x, y) => x + y, 0));
      over.push(...norm(q.map((v) => v ** 3)));
      under.push(...norm(q.map((v) => v ** (1 / 3))));
    }
    expect(fitTemperature(over, labels, k)).toBeCloseTo(3, 0);
    expect(fitTemperature(under, labels, k)).toBeCloseTo(1 / 3, 1);
    const before = calibrationSummary(over, labels, k).ece;
    const after = calibrationSummary(
      applyTemperature(over, k, fitTemperature(over, labels, k)),
      labels,
      k,
    ).ece;
    expect(after).toBeLessThan(before / 2);
  });

  it('stays within its range when the labels always agree with the top class', () => {
    const t = fitTemperature([0.6, 0.4, 0.3, 0.7], [0, 1], 2);
    expect(t).toBeCloseTo(0.05, 6);
  });

  it('rejects empty input and labels outside the classes', () => {
    expect(() => fitTemperature([], [], 2)).toThrow(/no rows/);
    expect(() => fitTemperature([0.5, 0.5], [2], 2)).toThrow(/label of row 0 is 2/);
  });
});

describe('calibrationSummary', () => {
  it('matches a hand-computed expected calibration error', () => {
    // conf 0.9 correct (bin 9), conf 0.6 wrong (bin 6), conf 0.7 correct (bin 7):
    // ECE = (|1 − 0.9| + |0 − 0.6| + |1 − 0.7|) / 3 = 1/3
    const s = calibrationSummary([0.9, 0.1, 0.6, 0.4, 0.3, 0.7], [0, 1, 1], 2, 10);
    expect(s.ece).toBeCloseTo(1 / 3, 9);
    expect(s.meanConfidence).toBeCloseTo(2.2 / 3, 9);
    expect(s.accuracy).toBeCloseTo(2 / 3, 9);
  });

  it('averages within a bin before taking the gap, and skips rows without predictions', () => {
    // Both rows in bin 8 of 10: confidence mean 0.825, accuracy 1/2 → ECE 0.325.
    const s = calibrationSummary([0.8, 0.2, Number.NaN, Number.NaN, 0.15, 0.85], [0, 0, 0], 2, 10);
    expect(s.ece).toBeCloseTo(0.325, 9);
    expect(s.accuracy).toBe(0.5);
  });

  it('puts a confidence of exactly 1 in the last bin', () => {
    expect(calibrationSummary([1, 0], [0], 2).ece).toBe(0);
  });
});
