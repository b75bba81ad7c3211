import { describe, expect, it } from 'vitest';
import { stratifiedKFold, stratifiedSplit } from '../../src-main/core/train';

const labelsOf = (counts: number[]) =>
  Int32Array.from(counts.flatMap((c, label) => new Array<number>(c).fill(label)));

describe('stratifiedKFold', () => {
  it('gives every class an even share of every fold and folds within one sample of each other', () => {
    const labels = labelsOf([23, 11, 7]);
    const folds = stratifiedKFold(labels, 5, 1);
    const sizes = new Array(5).fill(0);
    folds.forEach((f) => sizes[f]++);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    for (const label of [0, 1, 2]) {
      const perFold = new Array(5).fill(0);
      folds.forEach((f, i) => labels[i] === label && perFold[f]++);
      expect(Math.max(...perFold) - Math.min(...perFold)).toBeLessThanOrEqual(1);
    }
  });

  it('is deterministic for a seed and differs between seeds', () => {
    const labels = labelsOf([40, 40]);
    expect(Array.from(stratifiedKFold(labels, 4, 7))).toEqual(Array.from(stratifiedKFold(labels, 4, 7)));
    expect(Array.from(stratifiedKFold(labels, 4, 7))).not.toEqual(Array.from(stratifiedKFold(labels, 4, 8)));
  });

  it('explains a class with fewer images than folds', () => {
    expect(() => stratifiedKFold(labelsOf([10, 3]), 5, 1)).toThrow(
      'class 1 has only 3 images; K-fold with K=5 needs at least 5 per class (use --folds ≤ 3 or add images)',
    );
  });

  it('rejects K < 2 and negative labels', () => {
    expect(() => stratifiedKFold(labelsOf([5, 5]), 1, 1)).toThrow(/K ≥ 2/);
    expect(() => stratifiedKFold(Int32Array.from([0, -1, 0]), 2, 1)).toThrow(/label of sample 1 is -1/);
  });
});

describe('stratifiedSplit', () => {
  it('takes the fraction from every class, disjoint, covering all samples, ascending', () => {
    const labels = labelsOf([50, 30, 2]);
    const { train, test } = stratifiedSplit(labels, 0.2, 3);
    expect(train.length + test.length).toBe(82);
    expect(new Set([...train, ...test]).size).toBe(82);
    expect(Array.from(test)).toEqual(Array.from(test).sort((a, b) => a - b));
    const count = (idx: Int32Array, label: number) =>
      Array.from(idx).filter((i) => labels[i] === label).length;
    expect([count(test, 0), count(test, 1), count(test, 2)]).toEqual([10, 6, 1]);
    expect(count(train, 2)).toBe(1);
  });

  it('keeps a single-sample class in train and is deterministic', () => {
    const labels = labelsOf([10, 1]);
    const a = stratifiedSplit(labels, 0.3, 5);
    expect(Array.from(a.train)).toContain(10);
    expect(Array.from(stratifiedSplit(labels, 0.3, 5).test)).toEqual(Array.from(a.test));
  });

  it('rejects a fraction outside [0, 1)', () => {
    expect(() => stratifiedSplit(labelsOf([3, 3]), 1, 1)).toThrow(/\[0, 1\)/);
  });
});
