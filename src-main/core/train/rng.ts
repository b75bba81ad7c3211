/** Seeded PRNG helpers over mulberry32 so splits, shuffles and augmentation are the same on every run and machine. */
import { mulberry32, type Rng } from '../random/mulberry32';

export { mulberry32, type Rng };

/** A seed derived from a base seed and a purpose tag, so independent streams do not overlap. */
export function deriveSeed(seed: number, ...tags: number[]): number {
  let h = Math.imul((seed >>> 0) ^ 0x9e3779b9, 0x85ebca6b);
  for (const t of tags) {
    h = Math.imul(h ^ (t + 0x27d4eb2f), 0xc2b2ae35);
    h ^= h >>> 15;
  }
  return h >>> 0;
}

/** Fisher–Yates shuffle in place. */
export function shuffleInPlace<T extends { length: number; [i: number]: number }>(rng: Rng, a: T): T {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
  return a;
}
