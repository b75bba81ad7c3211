import type { DatasetInfo } from '../../../src-shared/domain';
import type { DataLimits } from '../limits';
import type { DatasetWriter, Project } from '../store/project';
import { sha1Hex } from './content-hash';
import { BadImageError, type Channels, type PixelTarget } from './decode';
import { detectSource, listSource } from './detect-source';
import { findIdxFiles } from './source-idx';
import { chooseInputShape } from './input-shape';
import { prepareGrayPixels, prepareImageFile, type PreparedSample } from './prepare-sample';
import { UnreadableFileError, readEntryBytes } from './read-entry';
import type { DatasetListing, SourceSpec } from './source-types';
import { encodePngSync } from './png-encode';
import type { Thumbnail } from './thumbnail';

export type ImportPhase = 'listing' | 'probing' | 'decoding' | 'saving';

export interface ImportOptions {
  /**
   * Checks each file or folder the import will read (the source as detected: images folder, label file, CSV,
   * IDX files) before reading it; rejects to refuse. Served projects confine imports to their data roots.
   */
  confine?: (path: string, what: string) => Promise<unknown>;
  /** Ceilings on classes and file sizes (default: DEFAULT_LIMITS). */
  limits?: DataLimits;
  /** Label file for a seed folder (default: label_train.txt found by detectSource). */
  labels?: string;
  /** Square model input side; default: the images' own size (see chooseInputShape) or 64. */
  inputSize?: number;
  channels?: Channels | 'auto';
  /** Names of classes 0..K-1 for integer labels (default: classes.txt beside the label file, else numbers). */
  classNames?: string[];
  /** Accept class ids below the largest label that no image carries (default: an error naming the line). */
  allowEmptyClasses?: boolean;
  /** 'skip': keep going and report bad images; 'stop': fail the import and keep the previous dataset. */
  onBadImage: 'skip' | 'stop';
  /** Images decoded at the same time (bounded memory). */
  concurrency?: number;
  /** Called at most every 100 ms, and at the end of each phase. */
  onProgress?: (done: number, total: number, phase: ImportPhase) => void;
  signal?: AbortSignal;
}

/** A sample whose image could not be used. It keeps its index (= its line in the label file). */
export interface SkippedSample {
  index: number;
  path: string;
  reason: string;
}

export interface ImportResult {
  samples: number;
  /**
   * Unusable samples (onBadImage 'skip'). They ARE in the project, at their own index, with all-zero
   * pixels and width = height = 0, so indices still equal label-file lines and export writes every line;
   * training must leave these indices out.
   */
  skipped: SkippedSample[];
  decisionsKept: number;
  decisionsOrphaned: number;
  dataset: DatasetInfo;
}

export const DEFAULT_CONCURRENCY = 16;
const PROGRESS_INTERVAL_MS = 100;
const YIELD_EVERY_MS = 15;

/**
 * Replaces the project's dataset with `source` (a path detected by detectSource, or a resolved spec).
 * Streams: at most `concurrency` images are read and decoded at a time and each goes to the store's
 * batched writer as soon as it is ready; nothing is visible until the final commit, and any error or
 * abort drops the new rows and leaves the previous dataset (and every decision) intact.
 */
export async function importDataset(
  project: Project,
  source: SourceSpec | string,
  opts: ImportOptions,
): Promise<ImportResult> {
  const progress = throttledProgress(opts.onProgress);
  opts.signal?.throwIfAborted();
  progress(0, 1, 'listing', true);
  const spec = typeof source === 'string' ? await detectSource(source, { labels: opts.labels }) : source;
  if (opts.confine) for (const [path, what] of specPaths(spec)) await opts.confine(path, what);
  const listing = await listSource(
    spec,
    {
      names: opts.classNames,
      namesSource: 'the given class names',
      allowEmptyClasses: opts.allowEmptyClasses,
    },
    opts.limits,
  );
  const n = listing.entries.length;
  progress(1, 1, 'listing', true);
  opts.signal?.throwIfAborted();

  progress(0, 1, 'probing', true);
  const target = await chooseInputShape(listing, { inputSize: opts.inputSize, channels: opts.channels });
  progress(1, 1, 'probing', true);
  opts.signal?.throwIfAborted();

  const writer = project.beginImport(
    {
      format: listing.format,
      root: listing.root,
      labelSource: listing.labelSource,
      inputWidth: target.width,
      inputHeight: target.height,
      channels: target.channels,
    },
    listing.classes,
  );
  try {
    const skipped = await decodeAll(listing, target, writer, opts, progress);
    opts.signal?.throwIfAborted();
    progress(n, n, 'saving', true);
    const stats = writer.commit();
    skipped.sort((a, b) => a.index - b.index);
    return { ...stats, skipped, dataset: project.getDatasetInfo()! };
  } catch (e) {
    writer.abort();
    throw e;
  }
}

/** Every path a source spec will read, with what it is (for messages). */
function specPaths(spec: SourceSpec): [string, string][] {
  switch (spec.kind) {
    case 'seed':
      return [
        [spec.images, 'image folder'],
        [spec.labels, 'label file'],
      ];
    case 'imagefolder':
      return [[spec.root, 'dataset folder']];
    case 'csv':
      return [[spec.csv, 'dataset CSV']];
    case 'idx': {
      const labels = spec.labels ?? findIdxFiles(spec.images)?.labels;
      return [[spec.images, 'IDX images'], ...(labels ? [[labels, 'IDX labels'] as [string, string]] : [])];
    }
  }
}

async function decodeAll(
  listing: DatasetListing,
  target: PixelTarget,
  writer: DatasetWriter,
  opts: ImportOptions,
  progress: ReturnType<typeof throttledProgress>,
): Promise<SkippedSample[]> {
  const n = listing.entries.length;
  const skipped: SkippedSample[] = [];
  const concurrency = Math.max(1, Math.floor(opts.concurrency ?? DEFAULT_CONCURRENCY));
  const sharpSlots = Math.min(SHARP_SLOTS, concurrency - 1);
  let blank: Thumbnail | undefined;
  let next = 0;
  let done = 0;
  let failure: unknown;

  let lastYield = Date.now();
  const worker = async (): Promise<void> => {
    while (failure === undefined && next < n) {
      if (Date.now() - lastYield > YIELD_EVERY_MS) {
        // The JPEG fast path never waits on I/O: let timers, IPC and abort signals run.
        await new Promise((r) => setImmediate(r));
        lastYield = Date.now();
      }
      if (opts.signal?.aborted) {
        failure ??= opts.signal.reason;
        return;
      }
      if (failure !== undefined || next >= n) return;
      const i = next++;
      const entry = listing.entries[i];
      let prepared: PreparedSample;
      try {
        prepared = await prepareEntry(listing, i, target, sharpSlots);
      } catch (e) {
        if (!(e instanceof BadImageError || e instanceof UnreadableFileError)) {
          failure ??= e; // a bug or a system failure, not a bad image: never skip it silently
          return;
        }
        const reason = e.message;
        if (opts.onBadImage === 'stop') {
          failure ??= new Error(
            `bad image ${listing.root}/${entry.path}: ${reason} (import with on-bad-image "skip" to leave it out)`,
          );
          return;
        }
        skipped.push({ index: i, path: entry.path, reason });
        blank ??= blankThumbnail(target);
        prepared = {
          pixels: new Uint8Array(target.width * target.height * target.channels),
          width: 0,
          height: 0,
          hash: (e as BadImageError & { bytesHash?: string }).bytesHash ?? '',
          thumbnail: blank,
        };
      }
      try {
        writer.add(
          {
            index: i,
            path: entry.path,
            hash: prepared.hash,
            width: prepared.width,
            height: prepared.height,
            givenLabel: entry.label,
          },
          prepared.pixels,
          prepared.thumbnail,
        );
      } catch (e) {
        failure ??= e;
        return;
      }
      done++;
      progress(done, n, 'decoding', done === n);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
  if (failure !== undefined) throw failure;
  return skipped;
}

/** Reads and decodes one entry; a decode failure carries the hash of the bytes that were read. */
async function prepareEntry(
  listing: DatasetListing,
  i: number,
  target: PixelTarget,
  sharpSlots: number,
): Promise<PreparedSample> {
  if (listing.format === 'idx') {
    const { data, width, height } = listing.images;
    const size = width * height;
    return prepareGrayPixels(data.subarray(i * size, (i + 1) * size), width, height, target);
  }
  const bytes = readEntryBytes(listing, i);
  // While the main thread decodes JPEGs in JS, a few images go through sharp, whose work runs on the
  // libuv pool and so on the other core. Both paths give the same pixels.
  const viaSharp = sharpInFlight < sharpSlots;
  if (viaSharp) sharpInFlight++;
  try {
    return await prepareImageFile(bytes, target, { jsFastPath: !viaSharp });
  } catch (e) {
    throw Object.assign(e as Error, { bytesHash: sha1Hex(bytes) });
  } finally {
    if (viaSharp) sharpInFlight--;
  }
}

/**
 * Images decoded by sharp at the same time while the rest of the window takes the JS path (sharp's work
 * runs on the libuv pool, i.e. on another core). Never the whole window: the JS path is cheaper.
 */
const SHARP_SLOTS = 2;
let sharpInFlight = 0;

/** Thumbnail of a skipped sample: its stored (all-zero) model pixels. */
function blankThumbnail(target: PixelTarget): Thumbnail {
  const zeros = new Uint8Array(target.width * target.height * target.channels);
  return { data: encodePngSync(zeros, target.width, target.height, target.channels), mime: 'image/png' };
}

function throttledProgress(cb: ImportOptions['onProgress']) {
  let last = 0;
  return (done: number, total: number, phase: ImportPhase, force = false): void => {
    if (!cb) return;
    const now = Date.now();
    if (!force && now - last < PROGRESS_INTERVAL_MS) return;
    last = now;
    cb(done, total, phase);
  };
}
