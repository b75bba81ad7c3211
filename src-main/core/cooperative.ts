/**
 * Long computations a request triggers (listing a dataset, parsing its label file, sorting its names) run in
 * slices: between slices they let the event loop serve the other clients. A slice ends after `budgetMs`.
 */
export function yielder(budgetMs = 10): () => Promise<void> | null {
  let last = performance.now();
  return () => {
    const now = performance.now();
    if (now - last < budgetMs) return null;
    return new Promise<void>((resolve) =>
      setImmediate(() => {
        last = performance.now();
        resolve();
      }),
    );
  };
}

/**
 * A stable sort of `items` by `compare` in slices: runs of `run` items are sorted, then merged pairwise, yielding
 * between slices, so sorting 100,000 file names never holds the event loop for long.
 */
export async function sortCooperatively<T>(
  items: readonly T[],
  compare: (a: T, b: T) => number,
  run = 256,
): Promise<T[]> {
  const pause = yielder();
  let runs: T[][] = [];
  for (let i = 0; i < items.length; i += run) {
    runs.push(items.slice(i, i + run).sort(compare));
    await pause();
  }
  while (runs.length > 1) {
    const next: T[][] = [];
    for (let r = 0; r < runs.length; r += 2) {
      const a = runs[r];
      const b = runs[r + 1];
      if (!b) {
        next.push(a);
        continue;
      }
      const merged: T[] = new Array(a.length + b.length);
      let i = 0;
      let j = 0;
      let k = 0;
      while (i < a.length && j < b.length) {
        // `<= 0` keeps equal items in input order (stability).
        merged[k++] = compare(a[i], b[j]) <= 0 ? a[i++] : b[j++];
        if ((k & 255) === 0) await pause();
      }
      while (i < a.length) merged[k++] = a[i++];
      while (j < b.length) merged[k++] = b[j++];
      next.push(merged);
      await pause();
    }
    runs = next;
  }
  return runs[0] ?? [];
}
