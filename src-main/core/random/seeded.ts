/**
 * Seeded randomness for everything that must come out the same on every run and machine: demo datasets,
 * splits, shuffles, initialisation and augmentation. One generator (mulberry32) and the ways to derive
 * independent streams from one seed.
 */
export type Rng = () => number;

/** mulberry32: a small 32-bit PRNG; the same seed gives the same stream on every machine. */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seed derived from a base seed and purpose tags (fold, model, …), so independent streams do not overlap. */
export function deriveSeed(seed: number, ...tags: number[]): number {
  let h = Math.imul((seed >>> 0) ^ 0x9e3779b9, 0x85ebca6b);
  for (const t of tags) {
    h = Math.imul(h ^ (t + 0x27d4eb2f), 0xc2b2ae35);
    h ^= h >>> 15;
  }
  return h >>> 0;
}

/** An independent stream for item `i` of a run seeded with `seed` (the order items are generated in does not matter). */
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

/** Fisher–Yates shuffle in place, of an array or a typed array. */
export function shuffleInPlace<T extends { length: number; [i: number]: unknown }>(rng: Rng, a: T): T {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
  return a;
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
