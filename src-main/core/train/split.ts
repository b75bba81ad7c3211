import { mulberry32, shuffleInPlace } from '../random/seeded';

/** Sample indices of each class (class id → ascending indices); validates the labels. */
function indicesByClass(labels: Int32Array): Map<number, number[]> {
  const byClass = new Map<number, number[]>();
  labels.forEach((label, i) => {
    if (!Number.isInteger(label) || label < 0)
      throw new Error(`label of sample ${i} is ${label}; labels must be integers ≥ 0`);
    let list = byClass.get(label);
    if (!list) byClass.set(label, (list = []));
    list.push(i);
  });
  return new Map([...byClass].sort((a, b) => a[0] - b[0]));
}

/**
 * Stratified K-fold assignment: the fold id (0..k−1) of every sample. Each class is shuffled with a
 * seeded PRNG and dealt round-robin, continuing where the previous class stopped, so folds differ in
 * size by at most one overall and per class. The same labels, k and seed always give the same folds.
 */
export function stratifiedKFold(labels: Int32Array, k: number, seed: number): Int32Array {
  if (!Number.isInteger(k) || k < 2) throw new Error(`K-fold needs K ≥ 2, got ${k}`);
  const byClass = indicesByClass(labels);
  for (const [label, list] of byClass) {
    if (list.length < k) {
      throw new Error(
        `class ${label} has only ${list.length} images; K-fold with K=${k} needs at least ${k} per class ` +
          `(use --folds ≤ ${list.length} or add images)`,
      );
    }
  }
  const rng = mulberry32(seed);
  const folds = new Int32Array(labels.length);
  let next = 0;
  for (const list of byClass.values()) {
    for (const i of shuffleInPlace(rng, list)) {
      folds[i] = next;
      next = (next + 1) % k;
    }
  }
  return folds;
}

/**
 * Stratified train/test split: round(count·testFraction) random samples of every class go to test,
 * at least one when the class has two or more samples and testFraction > 0, never all of a class.
 * Both index lists are ascending.
 */
export function stratifiedSplit(
  labels: Int32Array,
  testFraction: number,
  seed: number,
): { train: Int32Array; test: Int32Array } {
  if (!(testFraction >= 0 && testFraction < 1))
    throw new Error(`test fraction must be in [0, 1), got ${testFraction}`);
  const rng = mulberry32(seed);
  const isTest = new Uint8Array(labels.length);
  for (const list of indicesByClass(labels).values()) {
    const count = list.length;
    let nTest = Math.round(count * testFraction);
    if (testFraction > 0 && count >= 2) nTest = Math.min(Math.max(nTest, 1), count - 1);
    else if (count < 2) nTest = 0;
    for (const i of shuffleInPlace(rng, list).slice(0, nTest)) isTest[i] = 1;
  }
  const test: number[] = [];
  const train: number[] = [];
  isTest.forEach((t, i) => (t ? test : train).push(i));
  return { train: Int32Array.from(train), test: Int32Array.from(test) };
}
