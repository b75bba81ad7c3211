import { describe, expect, it } from 'vitest';
import { argmaxRows, computeMetrics } from '../../src-main/core/train';

describe('computeMetrics', () => {
  it('binary: accuracy, HTER, confusion and per-class values by hand', () => {
    // class 0: 6 samples, 5 right (recall 5/6); class 1: 4 samples, 2 right (recall 2/4)
    const truth = [0, 0, 0, 0, 0, 0, 1, 1, 1, 1];
    const pred = [0, 0, 0, 0, 0, 1, 1, 1, 0, 0];
    const m = computeMetrics(truth, pred, 2);
    expect(m.n).toBe(10);
    expect(m.accuracy).toBeCloseTo(0.7, 12);
    expect(m.confusion).toEqual([
      [5, 1],
      [2, 2],
    ]);
    expect(m.balancedAccuracy).toBeCloseTo((5 / 6 + 2 / 4) / 2, 12);
    // HTER = (FRR + FAR) / 2 = (1/6 + 2/4) / 2
    expect(m.hter).toBeCloseTo((1 / 6 + 0.5) / 2, 12);
    expect(m.perClass[0]).toMatchObject({ classId: 0, support: 6 });
    expect(m.perClass[0].precision).toBeCloseTo(5 / 7, 12);
    expect(m.perClass[0].recall).toBeCloseTo(5 / 6, 12);
    expect(m.perClass[0].f1).toBeCloseTo((2 * (5 / 7) * (5 / 6)) / (5 / 7 + 5 / 6), 12);
    expect(m.perClass[1].precision).toBeCloseTo(2 / 3, 12);
    expect(m.perClass[1].recall).toBeCloseTo(0.5, 12);
    expect(m.perClass[1].f1).toBeCloseTo((2 * (2 / 3) * 0.5) / (2 / 3 + 0.5), 12);
  });

  it('averages the error rate over the classes present only; absent classes score 0 without dividing by 0', () => {
    const m = computeMetrics([0, 0, 2, 2], [0, 1, 2, 2], 3);
    expect(m.balancedAccuracy).toBeCloseTo((0.5 + 1) / 2, 12);
    expect(m.hter).toBeCloseTo(0.25, 12);
    expect(m.perClass[1]).toEqual({ classId: 1, precision: 0, recall: 0, f1: 0, support: 0 });
    expect(m.confusion[0]).toEqual([1, 1, 0]);
  });

  it('perfect predictions give HTER 0', () => {
    const m = computeMetrics(Int32Array.from([1, 0, 1]), Int32Array.from([1, 0, 1]), 2);
    expect(m.accuracy).toBe(1);
    expect(m.hter).toBe(0);
  });

  it('rejects mismatched lengths, empty sets and out-of-range labels', () => {
    expect(() => computeMetrics([0, 1], [0], 2)).toThrow(/2 true labels but 1 predictions/);
    expect(() => computeMetrics([], [], 2)).toThrow(/empty/);
    expect(() => computeMetrics([0, 2], [0, 1], 2)).toThrow(/true label of row 1 is 2/);
    expect(() => computeMetrics([0, 1], [0, -1], 2)).toThrow(/predicted label of row 1 is -1/);
  });
});

describe('argmaxRows', () => {
  it('picks the first maximum of each row and −1 for rows with NaN', () => {
    const probs = Float32Array.from([0.1, 0.7, 0.2, 0.5, 0.5, 0, NaN, NaN, NaN, 0, 0, 1]);
    expect(Array.from(argmaxRows(probs, 3))).toEqual([1, 0, -1, 2]);
  });

  it('rejects a matrix that is not whole rows', () => {
    expect(() => argmaxRows([0.1, 0.2, 0.3], 2)).toThrow(/not a whole number of rows/);
  });
});
