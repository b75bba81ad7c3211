import type { ClassInfo, DatasetFormat } from '../../../src-shared/domain';
import { tooManyClasses, type DataLimits } from '../limits';
import { shortPath } from '../quote';

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

/** How integer labels get their class names and how strict the class list is. */
export interface ClassNaming {
  /** Class k is names[k]; the labels must lie in 0..names.length-1. */
  names?: string[];
  /** Where the names came from, for error messages (e.g. the classes.txt path). */
  namesSource?: string;
  /** Accept class ids below the largest label that no image carries (otherwise an error names the line). */
  allowEmptyClasses?: boolean;
}

/**
 * The classes of integer labels: 0..K-1, K = the number of names when the classes are named (a label ≥ K is an
 * error naming its line), else the largest label + 1, each named by its number. Without names, an id that no
 * image carries is almost always a stray label (one "7" in a binary file), so it is an error naming the line of
 * the largest label unless `allowEmptyClasses` is set. `source.at(i)` names the file and line of label i.
 */
export function integerClasses(
  labels: ArrayLike<number>,
  source: { file: string; at: (i: number) => string },
  naming: ClassNaming = {},
): ClassInfo[] {
  const where = source.at;
  const counts = new Map<number, number>();
  let maxAt = 0;
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i];
    counts.set(l, (counts.get(l) ?? 0) + 1);
    if (l > labels[maxAt]) maxAt = i;
  }
  if (counts.size === 1) {
    throw new Error(`only one class (label ${labels[0]}) in ${source.file}, need at least 2`);
  }
  const { names } = naming;
  if (names) {
    for (let i = 0; i < labels.length; i++) {
      if (labels[i] >= names.length) {
        throw new Error(
          `${where(i)}: label ${labels[i]}, but ${naming.namesSource ?? 'the class names'} name only ` +
            `${names.length} classes (0–${names.length - 1})`,
        );
      }
    }
    return names.map((name, id) => ({ id, name }));
  }
  const k = labels[maxAt] + 1;
  const empty = Array.from({ length: k }, (_, id) => id).filter((id) => !counts.has(id));
  if (empty.length > 0 && !naming.allowEmptyClasses) {
    const used = [...counts.keys()].sort((a, b) => a - b);
    throw new Error(
      `${where(maxAt)}: label ${labels[maxAt]} makes ${k} classes, but no image has ${describeIds(empty)} ` +
        `(labels used: ${describeIds(used)}). Fix the label, name the classes in classes.txt, or import with ` +
        `--allow-empty-classes`,
    );
  }
  return Array.from({ length: k }, (_, id) => ({ id, name: String(id) }));
}

/** "class 3", "classes 2, 5" or "classes 2–6". */
function describeIds(ids: number[]): string {
  if (ids.length === 1) return `class ${ids[0]}`;
  const contiguous = ids.every((id, i) => i === 0 || id === ids[i - 1] + 1);
  if (contiguous && ids.length > 2) return `classes ${ids[0]}–${ids.at(-1)}`;
  const shown = ids.slice(0, 10).join(', ');
  return `classes ${shown}${ids.length > 10 ? `, … (${ids.length} in all)` : ''}`;
}

/** The class ceiling (`--max-classes`) applied to a listing's classes, whatever named them. */
export function assertClassCeiling(classes: readonly ClassInfo[], where: string, limits: DataLimits): void {
  if (classes.length > limits.maxClasses) {
    throw tooManyClasses(shortPath(where), `${classes.length.toLocaleString('en-US')} classes`, limits);
  }
}
