import type { ClassInfo, DatasetFormat } from '../../../src-shared/domain';

/** One image of a dataset listing: where it is and its given label. Nothing is decoded. */
export interface SourceEntry {
  /** Relative to the source root, forward slashes (IDX: `idx:<n>`). */
  path: string;
  label: number;
}

interface ListingBase {
  format: DatasetFormat;
  /** Absolute, symlink-free folder every entry path is relative to. */
  root: string;
  /** Absolute path of the label file, CSV or IDX label file; null for ImageFolder. */
  labelSource: string | null;
  /** In sample-index order: entry i becomes sample i. */
  entries: SourceEntry[];
  classes: ClassInfo[];
}

/** Image files on disk (seed folder + label file, ImageFolder, CSV). */
export interface FileListing extends ListingBase {
  format: 'seed' | 'imagefolder' | 'csv';
}

/** Raw 8-bit grayscale images held in memory, row-major, image after image. */
export interface IdxImages {
  data: Uint8Array;
  count: number;
  width: number;
  height: number;
}

export interface IdxListing extends ListingBase {
  format: 'idx';
  images: IdxImages;
}

export type DatasetListing = FileListing | IdxListing;

/** What `detectSource` resolves a user argument to; each kind has its own lister. */
export type SourceSpec =
  | { kind: 'seed'; images: string; labels: string }
  | { kind: 'imagefolder'; root: string }
  | { kind: 'csv'; csv: string }
  | { kind: 'idx'; images: string; labels?: string };

/** Classes 0..max(label), named by their number (label files carry no class names). */
export function numericClasses(maxLabel: number): ClassInfo[] {
  return Array.from({ length: maxLabel + 1 }, (_, id) => ({ id, name: String(id) }));
}

/** A dataset with one class cannot be cleaned (nor trained on): say so with the label that was found. */
export function assertSeveralLabels(labels: Iterable<number>, where: string): number {
  let max = -1;
  const seen = new Set<number>();
  for (const l of labels) {
    seen.add(l);
    if (l > max) max = l;
  }
  if (seen.size === 1) {
    throw new Error(`only one class (label ${[...seen][0]}) in ${where}, need at least 2`);
  }
  return max;
}
