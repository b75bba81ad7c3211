import type { ClassEvidence } from '../../../src-shared/evidence';
import type { StoredClassEvidence } from '../store/class-evidence';
import type { Project } from '../store/project';
import { nowIso } from '../store/time';
import { AbortError } from '../train/trainer';
import { FStatAccumulator } from './f-test';
import { selectPercentileMask } from './select-percentile';

/** Rows read per step; between steps the event loop runs, so a 100k-image pass never blocks a server. */
const PAGE = 1000;
/** Sample images shown per class beside the map. */
export const SAMPLES_PER_CLASS = 6;
/** SelectPercentile's share of pixels kept in the mask, as in the original analysis. */
export const EVIDENCE_PERCENTILE = 10;

const nextTick = () => new Promise<void>((resolve) => setImmediate(resolve));

export interface ClassEvidenceOptions {
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
  /** Store the map in the project (default true; a read-only project is computed but not cached). */
  save?: boolean;
}

/**
 * The class-evidence map of the live dataset: for each class, the per-pixel F statistic of that class
 * against the rest over the model-input grayscale pixels of every readable image (f-test.ts), computed
 * in one streaming pass and cached per dataset generation.
 */
export async function classEvidence(
  project: Project,
  opts: ClassEvidenceOptions = {},
): Promise<StoredClassEvidence> {
  const info = project.requireDataset();
  const generation = project.datasetGeneration;
  const cached = project.classEvidence.get(generation);
  if (cached) return cached;

  const numClasses = project.getClasses().reduce((m, c) => Math.max(m, c.id + 1), 0);
  const { inputWidth: width, inputHeight: height, channels } = info;
  const P = width * height;
  const acc = new FStatAccumulator(Math.max(2, numClasses), P, channels);
  // Spread the shown samples over each class: pick the images at evenly spaced ranks within the class.
  const classCounts = project.getClassCounts();
  const seen = new Array<number>(numClasses).fill(0);
  const samples = Array.from({ length: numClasses }, () => [] as number[]);
  const wanted = classCounts.map((n) =>
    Array.from({ length: Math.min(n, SAMPLES_PER_CLASS) }, (_, j) =>
      Math.floor(((j + 0.5) * n) / Math.min(n, SAMPLES_PER_CLASS)),
    ),
  );

  for (let from = 0; from < info.numSamples; from += PAGE) {
    if (opts.signal?.aborted) throw new AbortError('class-evidence map cancelled');
    for (const s of project.samplePixelPage(generation, from, PAGE)) {
      acc.add(s.pixels, s.givenLabel);
      const rank = seen[s.givenLabel]++;
      if (wanted[s.givenLabel]?.includes(rank)) samples[s.givenLabel].push(s.index);
    }
    opts.onProgress?.(Math.min(from + PAGE, info.numSamples), info.numSamples);
    await nextTick();
  }

  const f = new Float64Array(numClasses * P);
  const means = new Float64Array(numClasses * P);
  for (let c = 0; c < numClasses; c++) {
    f.set(acc.oneVsRest(c), c * P);
    means.set(acc.classMean(c), c * P);
  }
  const result: StoredClassEvidence = {
    generation,
    numClasses,
    width,
    height,
    counts: Array.from(acc.counts.subarray(0, numClasses)),
    samples,
    f,
    means,
    createdAt: nowIso(),
  };
  // The dataset may have been re-imported meanwhile: cache only what still describes the live generation.
  if (opts.save !== false && !project.db.readonly && project.datasetGeneration === generation) {
    project.classEvidence.save(result);
  }
  return result;
}

/** The F map of one class (a view into the stored array). */
export const classMap = (e: StoredClassEvidence, c: number): Float64Array =>
  e.f.subarray(c * e.width * e.height, (c + 1) * e.width * e.height);

export const classMean = (e: StoredClassEvidence, c: number): Float64Array =>
  e.means.subarray(c * e.width * e.height, (c + 1) * e.width * e.height);

/** Largest finite value (0 when there is none). */
export function maxFinite(values: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i]) && values[i] > m) m = values[i];
  return m;
}

/** F scaled to [0, 1] by the largest finite F: ∞ (a pixel constant within both groups) shows as 1, NaN as 0. */
export function heatOf(f: ArrayLike<number>): Float64Array {
  const max = maxFinite(f);
  return Float64Array.from({ length: f.length }, (_, i) => {
    const v = f[i];
    if (v === Infinity) return 1;
    if (!Number.isFinite(v) || max <= 0) return 0;
    return v / max;
  });
}

/** The classes that get a map of their own: both maps of a two-class problem are the same, so one is shown. */
export const mappedClasses = (e: StoredClassEvidence): number[] =>
  e.numClasses === 2 ? [0] : Array.from({ length: e.numClasses }, (_, c) => c);

/** The cached map as the API carries it. */
export function classEvidenceView(e: StoredClassEvidence, percentile = EVIDENCE_PERCENTILE): ClassEvidence {
  return {
    datasetGeneration: e.generation,
    width: e.width,
    height: e.height,
    images: e.counts.reduce((a, b) => a + b, 0),
    percentile,
    maps: mappedClasses(e).map((c) => {
      const f = classMap(e, c);
      const mask = selectPercentileMask(f, percentile);
      return {
        classId: c,
        count: e.counts[c] ?? 0,
        heat: Array.from(heatOf(f), (v) => Math.round(v * 1e4) / 1e4),
        maxF: maxFinite(f),
        mask: Array.from(mask.keys()).filter((p) => mask[p]),
      };
    }),
    samples: e.samples.map((indices, classId) => ({ classId, indices })),
    computedAt: e.createdAt,
  };
}
