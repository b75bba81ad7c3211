import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FStatAccumulator, luma, toGray } from '../../src-main/core/evidence/f-test';
import { numpyPercentile, selectPercentileMask } from '../../src-main/core/evidence/select-percentile';

interface Case {
  name: string;
  width: number;
  height: number;
  channels: 1 | 3;
  percentile: number;
  labels: number[];
  pixels: number[];
  gray: number[] | null;
  perClass: { classId: number; f: (number | string)[]; mask: number[] }[];
}

// Expected values computed by scikit-learn 1.2.1 (f_classif, SelectPercentile) and Pillow: generate.py.
const { cases } = JSON.parse(
  readFileSync(new URL('../data/f-classif/cases.json', import.meta.url), 'utf8'),
) as { cases: Case[] };
const decode = (v: number | string) =>
  v === 'nan' ? Number.NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : (v as number);

function accumulate(c: Case): FStatAccumulator {
  const P = c.width * c.height;
  const acc = new FStatAccumulator(Math.max(...c.labels) + 1, P, c.channels);
  const size = P * c.channels;
  const bytes = Uint8Array.from(c.pixels);
  c.labels.forEach((l, i) => acc.add(bytes.subarray(i * size, (i + 1) * size), l));
  return acc;
}

describe('per-pixel F statistic (class vs rest) = scikit-learn f_classif', () => {
  for (const c of cases) {
    it(`${c.name}: F bit-for-bit, SelectPercentile(${c.percentile}) mask exactly`, () => {
      const acc = accumulate(c);
      for (const pc of c.perClass) {
        const f = acc.oneVsRest(pc.classId);
        const expected = pc.f.map(decode);
        expect(Array.from(f)).toEqual(expected);
        const mask = selectPercentileMask(f, c.percentile);
        expect(Array.from(mask.keys()).filter((i) => mask[i])).toEqual(pc.mask);
      }
    });
  }

  it('converts RGB to grayscale exactly as Pillow does', () => {
    const c = cases.find((x) => x.channels === 3)!;
    expect(Array.from(toGray(Uint8Array.from(c.pixels), 3))).toEqual(c.gray);
    expect([luma(255, 255, 255), luma(0, 0, 0), luma(255, 0, 0), luma(0, 255, 0), luma(0, 0, 255)]).toEqual([
      255, 0, 76, 150, 29,
    ]);
  });

  it('a class defined by a bright patch: the patch pixels dominate the map', () => {
    const c = cases.find((x) => x.name === 'bright-patch-rgb')!;
    const f = accumulate(c).oneVsRest(1);
    const patch = new Set<number>();
    for (let y = 2; y < 6; y++) for (let x = 6; x < 10; x++) patch.add(y * c.width + x);
    const outside = Array.from(f).filter((_, p) => !patch.has(p));
    const inside = Array.from(f).filter((_, p) => patch.has(p));
    expect(Math.min(...inside)).toBeGreaterThan(5 * Math.max(...outside));
    const mask = selectPercentileMask(f, 10);
    for (let p = 0; p < f.length; p++) if (mask[p]) expect(patch.has(p)).toBe(true);
  });

  it('for two classes, class 0 vs rest and class 1 vs rest are the same map', () => {
    const acc = accumulate(cases.find((x) => x.name === 'bright-patch-rgb')!);
    expect(Array.from(acc.oneVsRest(0))).toEqual(Array.from(acc.oneVsRest(1)));
  });

  it('an empty group gives an all-NaN map and an empty mask', () => {
    const acc = new FStatAccumulator(3, 4);
    acc.add(Uint8Array.of(1, 2, 3, 4), 0);
    acc.add(Uint8Array.of(4, 3, 2, 1), 1);
    acc.add(Uint8Array.of(4, 4, 2, 1), 1);
    expect(Array.from(acc.oneVsRest(2)).every(Number.isNaN)).toBe(true);
    expect(Array.from(selectPercentileMask(acc.oneVsRest(2), 50))).toEqual([1, 1, 0, 0]);
    expect(() => acc.add(Uint8Array.of(1, 2, 3), 0)).toThrow(/3 bytes, expected 4/);
    expect(() => acc.add(Uint8Array.of(1, 2, 3, 4), 3)).toThrow(/label 3/);
  });
});

describe('numpyPercentile (linear)', () => {
  it('matches numpy on small arrays', () => {
    // np.percentile([3, 1, 4, 1, 5], 90) == 4.6; ([1, 2], 50) == 1.5; ([7], 90) == 7
    expect(numpyPercentile(Float64Array.of(3, 1, 4, 1, 5), 90)).toBeCloseTo(4.6, 12);
    expect(numpyPercentile(Float64Array.of(1, 2), 50)).toBe(1.5);
    expect(numpyPercentile(Float64Array.of(7), 90)).toBe(7);
    expect(numpyPercentile(Float64Array.of(1, Infinity, Infinity), 90)).toBeNaN();
  });
});
