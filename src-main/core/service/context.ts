import type { ApiEvent, ApiName, ApiOutputs, ApiParsed, ClaimResult } from '../../../src-shared/api';
import type { IssueSetInfo } from '../../../src-shared/domain';
import type { JobRunner } from '../jobs';
import { DEFAULT_LIMITS, type DataLimits } from '../limits';
import { OutsideRootsError, type PathRoots } from '../path-roots';
import type { DecisionTarget, Reviewer } from '../store/decisions';
import type { Project } from '../store/project';
import { CLAIM_TTL_MS, ClaimBoard } from './claims';
import { ServiceError } from './errors';

/** What every feature's handlers share: the open project, the event stream, the jobs and two caches. */
export interface ServiceContext {
  readonly project: Project;
  readonly jobs: JobRunner;
  /** The name recorded with decisions when a client does not give its own. */
  readonly annotator: string;
  /** Which session has which issue on screen. */
  readonly claims: ClaimBoard;
  /** `by` takes (null: releases) its claim on an issue; every client hears of it. */
  claim(sampleIndex: number | null, by: Reviewer): ClaimResult;
  /** The caller, or this service's own annotator (session '') for clients that name none. */
  reviewerOf(by: Reviewer | undefined): Reviewer;
  /** An issue set by id (default: the latest); a not_found or conflict error when there is none. */
  issueSet(setId: number | undefined): IssueSetInfo;
  emit(event: ApiEvent): void;
  /** Given-label counts per class (a scan of every sample): cached per dataset generation. */
  classCounts(): number[];
  /** A run's probability rows (large): the latest one asked for stays cached. */
  runProbs(runId: number): { k: number; values: Float32Array } | null;
  /** Ceilings on classes and file sizes for imports and rankings. */
  readonly limits: DataLimits;
  /** The folders client paths must lie under (served projects), or null: unconfined. */
  readonly pathRoots: PathRoots | null;
  /** `path` when it may be read or written (under a root), else a `forbidden` error; the path as given when unconfined. */
  confine(path: string, what: string): Promise<string>;
  /** Drops the caches that depend on the dataset (after an import). */
  forgetDataset(): void;
  /** Refuses to start an import or training job while another one runs. */
  requireNoTraining(): void;
  /** The samples behind a list of indices of the live dataset, or a not_found error naming the first missing. */
  sampleTargets(indices: number[]): DecisionTarget[];
  requireClass(label: number): void;
}

export function createContext(
  project: Project,
  jobs: JobRunner,
  annotator: string,
  emit: (event: ApiEvent) => void,
  pathRoots: PathRoots | null = null,
  limits: DataLimits = DEFAULT_LIMITS,
): ServiceContext {
  let probsCache: { runId: number; k: number; values: Float32Array } | null = null;
  let classCountsCache: { gen: number; counts: number[] } | null = null;
  const claims = new ClaimBoard();
  return {
    project,
    jobs,
    annotator,
    emit,
    pathRoots,
    limits,
    async confine(path, what) {
      if (path.includes('\0'))
        throw new ServiceError('invalid_input', `the ${what} path contains a NUL character`);
      if (!pathRoots) return path;
      try {
        await pathRoots.confine(path, what);
      } catch (e) {
        if (e instanceof OutsideRootsError) throw new ServiceError('forbidden', e.message);
        throw e;
      }
      return path;
    },
    claims,
    claim(sampleIndex, by) {
      if (sampleIndex !== null) this.sampleTargets([sampleIndex]);
      const r = claims.claim(sampleIndex, by);
      if (r.released)
        emit({ type: 'claim', sampleIndex: r.released.sampleIndex, claimId: r.released.id, annotator: null });
      if (r.taken) {
        const t = r.taken;
        emit({
          type: 'claim',
          sampleIndex: t.sampleIndex,
          claimId: t.id,
          annotator: t.annotator,
          ttlMs: CLAIM_TTL_MS,
        });
      }
      return { claimId: r.taken?.id ?? null, heldBy: r.heldBy };
    },
    reviewerOf: (by) => by ?? { annotator, session: '' },
    issueSet(setId) {
      const set = setId === undefined ? project.issues.latest() : project.issues.setInfo(setId);
      if (set) return set;
      if (setId !== undefined) throw new ServiceError('not_found', `issue set #${setId} does not exist`);
      throw new ServiceError('conflict', 'no label issues yet: train and find issues first');
    },
    classCounts() {
      const gen = project.datasetGeneration;
      if (classCountsCache?.gen !== gen) classCountsCache = { gen, counts: project.getClassCounts() };
      return classCountsCache.counts;
    },
    runProbs(runId) {
      if (probsCache?.runId !== runId) {
        const p = project.runs.probs(runId);
        probsCache = p ? { runId, k: p.numClasses, values: p.values } : null;
      }
      return probsCache;
    },
    forgetDataset() {
      probsCache = null;
      classCountsCache = null;
      claims.clear();
    },
    requireNoTraining() {
      if (jobs.isRunning(['import', 'train', 'retrain'])) {
        throw new ServiceError(
          'conflict',
          'another import or training job is running; wait for it or cancel it first',
        );
      }
    },
    sampleTargets(indices) {
      const n = project.getDatasetInfo()?.numSamples ?? 0;
      const missing = indices.find((i) => i >= n);
      const refs = missing === undefined ? project.sampleRefsAt(indices) : [];
      const firstGap = missing ?? indices[refs.indexOf(undefined)];
      if (firstGap !== undefined) {
        throw new ServiceError(
          'not_found',
          `image index ${firstGap} does not exist (the dataset has ${n} images)`,
        );
      }
      return refs as DecisionTarget[];
    },
    requireClass(label) {
      if (!project.getClasses().some((c) => c.id === label)) {
        throw new ServiceError('invalid_input', `class ${label} does not exist`);
      }
    },
  };
}

/** One handler per API call, given the validated input (defaults filled in). */
export type Handlers = {
  [K in ApiName]: (input: ApiParsed<K>) => Promise<ApiOutputs[K]> | ApiOutputs[K];
};
