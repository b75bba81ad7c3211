/**
 * Ceilings on what a dataset may ask of the machine, each with its default. `relabel import`, `relabel serve`
 * and `relabel find-issues` take `--max-classes` and (import, serve) `--max-file-mb` to raise them.
 */
export interface DataLimits {
  /** Classes a dataset (or a probability file) may have: ids 0 … maxClasses − 1. */
  maxClasses: number;
  /** Bytes of a label file, dataset CSV or IDX file. */
  maxFileBytes: number;
}

export const DEFAULT_LIMITS: DataLimits = {
  maxClasses: 1_000,
  maxFileBytes: 256 * 1024 * 1024,
};

/** Bytes of one image file (import and media): far above any training image, far below a memory problem. */
export const MAX_IMAGE_FILE_BYTES = 64 * 1024 * 1024;

/**
 * Images one dataset may have: far above the 100,000 Relabel is built for (ImageNet has 1.3 million), low enough
 * that a listing always fits in memory. Listing stops at the first image past it.
 */
export const MAX_SAMPLES = 2_000_000;

/** Bytes of one line of a label file or dataset CSV. */
export const MAX_LINE_BYTES = 65_536;

/** "256 MB", "1.5 GB": sizes in messages. */
export function formatBytes(n: number): string {
  if (n >= 1024 ** 3) return `${+(n / 1024 ** 3).toFixed(1)} GB`;
  if (n >= 1024 ** 2) return `${+(n / 1024 ** 2).toFixed(1)} MB`;
  if (n >= 1024) return `${+(n / 1024).toFixed(1)} KB`;
  return `${n} bytes`;
}

/** The one message for a dataset with more classes than allowed. */
export function tooManyClasses(where: string, found: string, limits: DataLimits): Error {
  return new Error(
    `${where}: ${found}, more than the limit of ${limits.maxClasses.toLocaleString('en-US')} classes ` +
      `(class ids 0–${limits.maxClasses - 1}); raise it with --max-classes if this is really so`,
  );
}
