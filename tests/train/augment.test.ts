import { describe, expect, it } from 'vitest';
import { drawTransforms, maxShift, transformImage } from '../../src-main/core/train/augment';
import { mulberry32 } from '../../src-main/core/random/seeded';

/** A 3×4 one-channel image whose pixel (y, x) is 10·y + x + 1 (so 0 means "filled in"). */
const H = 3;
const W = 4;
const img = Uint8Array.from({ length: H * W }, (_, i) => 10 * Math.floor(i / W) + (i % W) + 1);
const grid = (t: { dx: number; dy: number; flip: boolean }) => {
  const out = new Float32Array(H * W).fill(-1);
  transformImage(img, 0, out, 0, H, W, 1, t, 1);
  return Array.from({ length: H }, (_, y) => Array.from(out.subarray(y * W, y * W + W)));
};

describe('transformImage', () => {
  it('copies the image unchanged without a shift or flip', () => {
    expect(grid({ dx: 0, dy: 0, flip: false })).toEqual([
      [1, 2, 3, 4],
      [11, 12, 13, 14],
      [21, 22, 23, 24],
    ]);
  });

  it('shifts right/down with zeros where nothing moved in', () => {
    expect(grid({ dx: 1, dy: 1, flip: false })).toEqual([
      [0, 0, 0, 0],
      [0, 1, 2, 3],
      [0, 11, 12, 13],
    ]);
    expect(grid({ dx: -2, dy: -1, flip: false })).toEqual([
      [13, 14, 0, 0],
      [23, 24, 0, 0],
      [0, 0, 0, 0],
    ]);
  });

  it('mirrors left–right, also combined with a shift', () => {
    expect(grid({ dx: 0, dy: 0, flip: true })).toEqual([
      [4, 3, 2, 1],
      [14, 13, 12, 11],
      [24, 23, 22, 21],
    ]);
    expect(grid({ dx: 1, dy: 0, flip: true })).toEqual([
      [0, 4, 3, 2],
      [0, 14, 13, 12],
      [0, 24, 23, 22],
    ]);
  });

  it('keeps the channels of a pixel together and scales', () => {
    const rgb = Uint8Array.from([1, 2, 3, 4, 5, 6]); // one row of two RGB pixels
    const out = new Float32Array(6);
    transformImage(rgb, 0, out, 0, 1, 2, 3, { dx: 0, dy: 0, flip: true }, 0.5);
    expect(Array.from(out)).toEqual([2, 2.5, 3, 0.5, 1, 1.5]);
  });
});

describe('drawTransforms', () => {
  it("draws nothing for 'none', so the shuffling stream is unchanged", () => {
    const rng = mulberry32(1);
    expect(drawTransforms('none', rng, 5, 28, 28)).toBeNull();
    expect(rng()).toBe(mulberry32(1)());
  });

  it('shifts within ±maxShift on both axes, every offset occurring, and flips about half', () => {
    expect(maxShift(28)).toBe(2);
    expect(maxShift(64)).toBe(5);
    expect(maxShift(8)).toBe(1);
    const ts = drawTransforms('shift-flip', mulberry32(2), 4000, 28, 64)!;
    expect(new Set(ts.map((t) => t.dy))).toEqual(new Set([-2, -1, 0, 1, 2]));
    expect(new Set(ts.map((t) => t.dx))).toEqual(new Set([-5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5]));
    const flips = ts.filter((t) => t.flip).length / ts.length;
    expect(flips).toBeGreaterThan(0.45);
    expect(flips).toBeLessThan(0.55);
  });

  it('only flips for flip, only shifts for shift', () => {
    const flipOnly = drawTransforms('flip', mulberry32(3), 200, 28, 28)!;
    expect(flipOnly.every((t) => t.dx === 0 && t.dy === 0)).toBe(true);
    expect(flipOnly.some((t) => t.flip)).toBe(true);
    const shiftOnly = drawTransforms('shift', mulberry32(3), 200, 28, 28)!;
    expect(shiftOnly.every((t) => !t.flip)).toBe(true);
    expect(shiftOnly.some((t) => t.dx !== 0)).toBe(true);
  });
});
