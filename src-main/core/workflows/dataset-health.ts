import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  HEALTH_TOP,
  NEAR_DUPLICATE_SIMILARITY,
  OUTLIER_NEIGHBOURS,
  type DatasetHealth,
  type DuplicateGroup,
  type HealthImage,
} from '../../../src-shared/health';
import {
  mostSimilar,
  rankedDuplicateGroups,
  topOutliers,
  type HealthScan,
  type SimilarPair,
} from '../features/dataset-health';
import type { HealthJob } from '../features/protocol';
import { runFeatureJobs } from '../features/feature-pool';
import type { Project } from '../store/project';
import { writeEmbeddingMatrix } from './embeddings';
import { backboneLabelOfKey } from './neighbours';

export const NO_EMBEDDINGS_MESSAGE =
  'no image embeddings yet: train with the pretrained model (relabel train --model pretrained) to find near-duplicates and outliers; exact duplicates (same file content) are listed';

export const NOT_SCANNED_MESSAGE =
  'the embeddings are not scanned yet: open the Dataset page, or the duplicate or outlier filter of the review';

/** What a health answer says about the embedding scan. */
export type HealthState = Pick<DatasetHealth, 'status' | 'message' | 'progress' | 'backbone'>;

/** The backbone whose embeddings cover every image of the live dataset, or null. */
export function completeEmbeddings(project: Project): { key: string; n: number; dim: number } | null {
  const info = project.getDatasetInfo();
  const status = project.embeddings.status(project.datasetGeneration);
  if (!info || !status || status.rows !== info.numSamples) return null;
  return { key: status.backbone, n: info.numSamples, dim: status.dim };
}

/**
 * Scans the stored embeddings of the live dataset in a worker process (the all-pairs scan takes minutes on
 * 100,000 images and must not hold the caller's event loop).
 */
export async function scanStoredEmbeddings(
  project: Project,
  e: { key: string; n: number; dim: number },
  o: {
    workers?: number;
    signal?: AbortSignal;
    onProgress?: (done: number, total: number) => void;
  } = {},
): Promise<HealthScan> {
  const dir = mkdtempSync(join(tmpdir(), 'relabel-health-'));
  try {
    const matrixPath = join(dir, 'embeddings');
    writeEmbeddingMatrix(project, e, matrixPath);
    // Every worker holds the whole matrix and scans a share of the query rows against it; a few shares per
    // worker keep them all busy to the end.
    const workers = Math.max(1, o.workers ?? scanWorkers());
    const shares = Math.min(e.n, workers * 4);
    const maxPairs = 20 * e.n + 1000;
    const jobs: HealthJob[] = Array.from({ length: shares }, (_, j) => {
      const first = Math.floor((j * e.n) / shares);
      return {
        type: 'health',
        id: j + 1,
        first,
        count: Math.floor(((j + 1) * e.n) / shares) - first,
        threshold: NEAR_DUPLICATE_SIMILARITY,
        k: OUTLIER_NEIGHBOURS,
        maxPairs,
      };
    });
    const done = new Map<number, number>();
    const scores = new Float64Array(e.n);
    let pairs: SimilarPair[] = [];
    let truncated = false;
    await runFeatureJobs({
      init: { type: 'init-neighbours', matrixPath },
      jobs,
      workers,
      signal: o.signal,
      onProgress: (job, message) => {
        done.set(job.id, Number(message.split('/')[0]));
        o.onProgress?.(
          [...done.values()].reduce((a, b) => a + b, 0),
          e.n,
        );
      },
      onResult: (job, r) => {
        if (r.type !== 'health-scanned' || job.type !== 'health')
          throw new Error(`unexpected ${r.type} answer to a health scan`);
        const bytes = Buffer.from(r.outlierScores, 'base64');
        const part = new Float64Array(bytes.byteLength / 8);
        new Uint8Array(part.buffer).set(bytes);
        scores.set(part, job.first);
        done.set(job.id, job.count);
        pairs = pairs.concat(r.pairs);
        truncated ||= r.pairsTruncated;
        if (pairs.length > 2 * maxPairs) {
          pairs = mostSimilar(pairs, maxPairs);
          truncated = true;
        }
      },
    });
    if (pairs.length > maxPairs) truncated = true;
    return { pairs: mostSimilar(pairs, maxPairs), pairsTruncated: truncated, outlierScores: scores };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One scan worker per core, at most 8: each holds the matrix (about 360 MB per 100,000 images of 1,792 values). */
const scanWorkers = () => Math.min(availableParallelism(), 8);

/**
 * The health answer: duplicate groups from content hashes (always) and embedding pairs (with a scan), the label
 * disagreements inside them, and the top outliers.
 */
export function datasetHealthOf(
  project: Project,
  scan: HealthScan | null,
  state: HealthState,
): DatasetHealth {
  const samples = project.getSamples();
  const groups = rankedDuplicateGroups(
    samples.map((s) => s.hash),
    samples.map((s) => s.givenLabel),
    scan?.pairs ?? [],
  );
  const shown = groups.slice(0, HEALTH_TOP);
  const outlierIdx = scan ? topOutliers(scan.outlierScores, HEALTH_TOP) : [];
  const wanted = [...shown.flatMap((g) => g.members), ...outlierIdx];
  const decisions = project.decisions.currentFor(wanted.map((i) => samples[i].path));
  const decisionOf = new Map(wanted.map((i, j) => [i, decisions[j]]));
  const image = (i: number): HealthImage => ({
    index: i,
    path: samples[i].path,
    givenLabel: samples[i].givenLabel,
    decision: decisionOf.get(i) ?? null,
  });
  return {
    ...state,
    threshold: NEAR_DUPLICATE_SIMILARITY,
    neighbours: OUTLIER_NEIGHBOURS,
    duplicateGroups: shown.map((g): DuplicateGroup => ({
      kind: g.exact ? 'exact' : 'near',
      similarity: g.similarity,
      labelsDisagree: g.labelsDisagree,
      members: g.members.map(image),
    })),
    totalDuplicateGroups: groups.length,
    redundantImages: groups.reduce((s, g) => s + g.members.length - 1, 0),
    pairsTruncated: scan?.pairsTruncated ?? false,
    outliers: outlierIdx.map((i) => ({ ...image(i), score: scan!.outlierScores[i] })),
  };
}

/** The whole answer at once (the CLI's report): scans the embeddings if the project has them. */
export async function datasetHealth(
  project: Project,
  o: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {},
): Promise<DatasetHealth> {
  const e = completeEmbeddings(project);
  if (!e)
    return datasetHealthOf(project, null, {
      status: 'unavailable',
      message: NO_EMBEDDINGS_MESSAGE,
      progress: null,
      backbone: null,
    });
  const scan = await scanStoredEmbeddings(project, e, o);
  return datasetHealthOf(project, scan, {
    status: 'ok',
    message: null,
    progress: { done: e.n, total: e.n },
    backbone: backboneLabelOfKey(e.key),
  });
}

/**
 * For a served project: the first call starts the scan in the background and answers `computing` (with
 * progress) until it is done; the answer is kept per dataset generation and backbone.
 */
export class HealthScanner {
  private key: string | null = null;
  private scan: HealthScan | null = null;
  private progress = { done: 0, total: 0 };
  private running: Promise<void> | null = null;
  private failure: Error | null = null;
  private abort: AbortController | null = null;

  constructor(private readonly project: Project) {}

  current(): DatasetHealth {
    const { scan, ...state } = this.state();
    return datasetHealthOf(this.project, scan, state);
  }

  /**
   * The finished scan of the live dataset's embeddings (null while there is none) and what the answer says about
   * it. `start`: begin the scan if it has not begun (else a project not scanned yet answers `unavailable`).
   */
  state(start = true): { scan: HealthScan | null } & HealthState {
    const e = completeEmbeddings(this.project);
    if (!e)
      return {
        scan: null,
        status: 'unavailable',
        message: NO_EMBEDDINGS_MESSAGE,
        progress: null,
        backbone: null,
      };
    const key = `${this.project.datasetGeneration}:${e.key}`;
    if (this.failure && key === this.key && start) {
      // Report a failed scan once; the next call tries again.
      const failed = this.failure;
      this.failure = null;
      this.key = null;
      throw failed;
    }
    const backbone = backboneLabelOfKey(e.key);
    if (key !== this.key) {
      if (!start)
        return { scan: null, status: 'unavailable', message: NOT_SCANNED_MESSAGE, progress: null, backbone };
      this.start(key, e);
    }
    if (this.scan)
      return { scan: this.scan, status: 'ok', message: null, progress: { done: e.n, total: e.n }, backbone };
    return {
      scan: null,
      status: 'computing',
      message: `comparing every pair of ${e.n} image embeddings in the background`,
      progress: { ...this.progress },
      backbone,
    };
  }

  private start(key: string, e: { key: string; n: number; dim: number }): void {
    this.failure = null;
    this.abort?.abort();
    const abort = new AbortController();
    this.abort = abort;
    this.key = key;
    this.scan = null;
    this.progress = { done: 0, total: e.n };
    this.running = scanStoredEmbeddings(this.project, e, {
      signal: abort.signal,
      onProgress: (done, total) => {
        if (this.abort === abort) this.progress = { done, total };
      },
    }).then(
      (scan) => {
        if (this.abort === abort) this.scan = scan;
      },
      (err: Error) => {
        if (this.abort === abort && !abort.signal.aborted) this.failure = err;
      },
    );
  }

  /** Stops a running scan (its worker process ends). */
  async stop(): Promise<void> {
    this.abort?.abort();
    this.abort = null;
    this.key = null;
    await this.running;
  }
}
