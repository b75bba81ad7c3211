/** Small seeded PRNG helpers over mulberry32: the same seed gives the same stream on every machine. */
import { mulberry32, type Rng } from '../random/mulberry32';

export { mulberry32, type Rng };

/** An independent stream for item `i` of a run seeded with `seed` (order of generation does not matter). */
export function streamFor(seed: number, i: number, salt = 0): Rng {
  let h =
    Math.imul((seed >>> 0) ^ 0x9e3779b9, 0x85ebca6b) ^
    Math.imul(i + 1, 0xc2b2ae35) ^
    Math.imul(salt + 7, 0x27d4eb2f);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return mulberry32(h ^ (h >>> 16));
}

export const uniform = (rng: Rng, lo: number, hi: number): number => lo + (hi - lo) * rng();
export const randInt = (rng: Rng, lo: number, hiInclusive: number): number =>
  lo + Math.floor(rng() * (hiInclusive - lo + 1));
export const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)];

/** Fisher–Yates in place. */
export function shuffle<T>(rng: Rng, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

/** `k` distinct integers from 0..n-1, ascending. */
export function sampleIndices(rng: Rng, n: number, k: number): number[] {
  const all = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(rng() * (n - i));
    [all[i], all[j]] = [all[j], all[i]];
  }
  return all.slice(0, k).sort((a, b) => a - b);
}
