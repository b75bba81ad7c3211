import type { TrainingData } from '../../src-main/core/train';
import { mulberry32 } from '../../src-main/core/random/seeded';

/**
 * Images of `numClasses` easily separable classes drawn in code: class c is a bright bar at angle
 * c·180°/K (horizontal, vertical, …) at a random offset on a noisy background.
 */
export function syntheticDataset(opts: {
  n: number;
  size: number;
  channels?: 1 | 3;
  numClasses?: number;
  seed?: number;
  /** Class of image i (default i mod numClasses). */
  labelOf?: (i: number) => number;
}): TrainingData {
  const { n, size } = opts;
  const channels = opts.channels ?? 1;
  const numClasses = opts.numClasses ?? 2;
  const rng = mulberry32(opts.seed ?? 7);
  const pixels = new Uint8Array(n * size * size * channels);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const label = opts.labelOf ? opts.labelOf(i) : i % numClasses;
    labels[i] = label;
    const angle = (label * Math.PI) / numClasses;
    const [dx, dy] = [Math.cos(angle), Math.sin(angle)];
    const offset = (rng() - 0.5) * size * 0.5;
    const base = i * size * size * channels;
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        // distance of (x, y) from the line through the centre (shifted by offset) along direction (dx, dy)
        const cx = x - size / 2;
        const cy = y - size / 2;
        const dist = Math.abs(-dy * cx + dx * cy - offset);
        const v = (dist < size / 10 ? 200 : 30) + rng() * 50;
        for (let c = 0; c < channels; c++) pixels[base + (y * size + x) * channels + c] = Math.min(255, v);
      }
    }
  }
  return { pixels, n, height: size, width: size, channels, labels, numClasses };
}
