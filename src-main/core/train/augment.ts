import type { AugmentMode } from '../../../src-shared/domain';
import type { Rng } from '../random/seeded';

/** What happens to one training image of a batch: shifted by (dx, dy) pixels, then mirrored left–right. */
export interface ImageTransform {
  dx: number;
  dy: number;
  flip: boolean;
}

/** Largest shift in pixels for an image side: about 8% of the side (2 px at 28 px, 5 px at 64 px), at least 1. */
export const maxShift = (side: number): number => Math.max(1, Math.round(side / 12));

/**
 * Draws the transform of each image of a training batch: a uniform shift of up to maxShift pixels
 * on each axis (the uncovered border is filled with zeros) and/or a left–right mirror with
 * probability 1/2. 'none' draws nothing from the generator, so runs without augmentation keep
 * their shuffling stream.
 */
export function drawTransforms(
  mode: AugmentMode,
  rng: Rng,
  count: number,
  height: number,
  width: number,
): ImageTransform[] | null {
  if (mode === 'none') return null;
  const shift = mode === 'shift' || mode === 'shift-flip';
  const flip = mode === 'flip' || mode === 'shift-flip';
  const sy = maxShift(height);
  const sx = maxShift(width);
  const offset = (s: number) => Math.floor(rng() * (2 * s + 1)) - s;
  return Array.from({ length: count }, () => ({
    dy: shift ? offset(sy) : 0,
    dx: shift ? offset(sx) : 0,
    flip: flip ? rng() < 0.5 : false,
  }));
}

/**
 * Writes image `src` (HWC bytes at `srcBase`) transformed by `t` into `dst` at `dstBase`, scaled by
 * `scale`: dst[y][x] = src[y − dy][x − dx] (mirrored: src[y − dy][w − 1 − (x − dx)]), 0 outside.
 */
export function transformImage(
  src: Uint8Array,
  srcBase: number,
  dst: Float32Array,
  dstBase: number,
  height: number,
  width: number,
  channels: number,
  t: ImageTransform,
  scale: number,
): void {
  const row = width * channels;
  dst.fill(0, dstBase, dstBase + height * row);
  const y0 = Math.max(0, t.dy);
  const y1 = Math.min(height, height + t.dy);
  const x0 = Math.max(0, t.dx);
  const x1 = Math.min(width, width + t.dx);
  for (let y = y0; y < y1; y++) {
    const s = srcBase + (y - t.dy) * row;
    const d = dstBase + y * row;
    for (let x = x0; x < x1; x++) {
      const sx = t.flip ? width - 1 - (x - t.dx) : x - t.dx;
      for (let c = 0; c < channels; c++) dst[d + x * channels + c] = src[s + sx * channels + c] * scale;
    }
  }
}
