import { EventEmitter } from 'node:events';
import { basename } from 'node:path';
import { ZodError } from 'zod';
import {
  apiInputs,
  type ApiErrorBody,
  type ApiEvent,
  type ApiInput,
  type ApiName,
  type ApiOutputs,
  type ApiParsed,
  type IssuePage,
  type MediaKind,
  type RelabelApi,
  type Subscribe,
  type UndoResult,
} from '../../src-shared/api';
import type { Decision, DecisionAction, LabelIssue } from '../../src-shared/domain';
import { importDataset } from './dataset/import';
import { MediaNotFoundError, readSampleImage } from './dataset/media';
import { UnsafePathError } from './dataset/safe-path';
import { ExportRefusedError } from './export/errors';
import { exportLabels } from './export/export';
import { JobRunner, type JobHandle } from './jobs';
import { ProjectError } from './store/errors';
import { Project } from './store/project';
import type { IssueRow } from './store/issues';
import type { TrainProgress } from './train';
import { runCrossValidation } from './workflows/cross-validation-run';
import { compareBeforeAfter, runRetrain } from './workflows/holdout';
import { computeIssueSet } from './workflows/label-issues';

export type ServiceErrorCode = ApiErrorBody['error']['code'];

/** An error whose message is meant for the user; transports pass it on with its code. */
export class ServiceError extends Error {
  override name = 'ServiceError';
  constructor(
    readonly code: ServiceErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface RelabelService extends RelabelApi {
  subscribe: Subscribe;
  readMedia(kind: MediaKind, index: number): Promise<{ data: Buffer; mime: string }>;
  close(): Promise<void>;
}

export interface ServiceOptions {
  projectPath: string;
  annotator: string;
  transport: 'electron' | 'http';
  createIfMissing?: boolean;
}

type Handlers = { [K in ApiName]: (input: ApiParsed<K>) => Promise<ApiOutputs[K]> | ApiOutputs[K] };

/**
 * The API contract implemented once over the core. Electron's IPC adapter and the HTTP server both call
 * this; it validates every input again, so no transport can hand it an unchecked payload.
 */
export function createService(opts: ServiceOptions): RelabelService {
  const project = opts.createIfMissing
    ? Project.openOrCreate(opts.projectPath)
    : Project.open(opts.projectPath);
  const emitter = new EventEmitter();
  emitter.setMaxListeners(100);
  const emit = (e: ApiEvent) => emitter.emit('event', e);
  const jobs = new JobRunner((job) => emit({ type: 'job', job }));
  const annotator = opts.annotator.trim() || 'annotator';
  let probsCache: { runId: number; k: number; values: Float32Array } | null = null;
  // A GROUP BY over every sample row: cached per dataset generation (it only changes with an import).
  let classCountsCache: { gen: number; counts: number[] } | null = null;
  const classCounts = () => {
    const gen = project.datasetGeneration;
    if (classCountsCache?.gen !== gen) classCountsCache = { gen, counts: project.getClassCounts() };
    return classCountsCache.counts;
  };

  const runProbs = (runId: number) => {
    if (probsCache?.runId !== runId) {
      const p = project.runs.probs(runId);
      probsCache = p ? { runId, k: p.numClasses, values: p.values } : null;
    }
    return probsCache;
  };

  const requireNoTraining = () => {
    if (jobs.isRunning(['import', 'train', 'retrain'])) {
      throw new ServiceError(
        'conflict',
        'another import or training job is running; wait for it or cancel it first',
      );
    }
  };

  const sampleTargets = (indices: number[]) => {
    const n = project.getDatasetInfo()?.numSamples ?? 0;
    return indices.map((i) => {
      const s = i < n ? project.getSample(i) : undefined;
      if (!s)
        throw new ServiceError('not_found', `image index ${i} does not exist (the dataset has ${n} images)`);
      return { index: s.index, path: s.path, givenLabel: s.givenLabel };
    });
  };

  const requireClass = (label: number) => {
    if (!project.getClasses().some((c) => c.id === label)) {
      throw new ServiceError('invalid_input', `class ${label} does not exist`);
    }
  };

  const toIssue = (r: IssueRow, decision: Decision | null, runId: number): LabelIssue => {
    const probs = runProbs(runId);
    return {
      rank: r.rank,
      sampleIndex: r.sampleIndex,
      path: r.path,
      givenLabel: r.givenLabel,
      suggestedLabel: r.suggestedLabel,
      quality: r.quality,
      probs: probs
        ? Array.from(probs.values.subarray(r.sampleIndex * probs.k, (r.sampleIndex + 1) * probs.k))
        : [],
      decision,
    };
  };

  const decided = (indices: number[]) => emit({ type: 'decisions', sampleIndices: indices });

  const undoResult = (paths: string[]): UndoResult => {
    const decisions = project.decisions.currentFor(paths);
    // Samples of an undone batch may have left the dataset through a re-import: they change nothing visible.
    const live = paths
      .map((p, i) => ({ index: project.getSampleByPath(p)?.index ?? -1, decision: decisions[i] }))
      .filter((x) => x.index >= 0);
    if (live.length) decided(live.map((x) => x.index));
    return { changed: live.map((x) => x.index), decisions: live.map((x) => x.decision) };
  };

  const trainingProgress = (job: JobHandle, label: string) => (p: TrainProgress) =>
    job.update({
      phase: p.fold === null ? label : `${label}: fold ${p.fold + 1}/${p.folds}`,
      fold: p.fold,
      epoch: p.epoch,
      done: (p.fold ?? 0) * p.epochs * p.batches + Math.max(0, (p.epoch - 1) * p.batches + p.batch),
      total: p.folds * p.epochs * p.batches,
      etaSeconds: p.etaSeconds,
      point: p.point
        ? {
            loss: p.point.loss,
            accuracy: p.point.accuracy,
            valLoss: p.point.valLoss,
            valAccuracy: p.point.valAccuracy,
          }
        : null,
      backend: p.backend,
      message: p.message,
    });

  const handlers: Handlers = {
    projectInfo: () => {
      const set = project.issues.latest();
      return {
        projectPath: project.path,
        projectName: basename(project.path).replace(/\.relabel$/, ''),
        dataset: project.getDatasetInfo(),
        classes: project.getClasses(),
        classCounts: project.getDatasetInfo() ? classCounts() : [],
        latestCvRunId: project.runs.latest(['cv', 'imported'])?.id ?? null,
        issueSet: set,
        reviewed: set ? project.issues.reviewedCount(set.id) : 0,
        decisions: project.decisions.counts(),
        annotator,
        transport: opts.transport,
        activeJobs: jobs.active(),
      };
    },

    importDataset: (input) => {
      requireNoTraining();
      const jobId = jobs.start('import', async (job) => {
        job.update({ phase: 'reading the dataset' });
        const r = await importDataset(project, input.source, {
          labels: input.labels,
          inputSize: input.inputSize,
          onBadImage: input.onBadImage,
          signal: job.signal,
          onProgress: (done, total, phase) => job.update({ done, total, phase: phase ?? 'importing' }),
        });
        probsCache = null;
        emit({ type: 'project', reason: 'imported' });
        const skipped = r.skipped.length ? `, ${r.skipped.length} unreadable images skipped` : '';
        return `imported ${r.samples} images${skipped}; ${r.decisionsKept} earlier decisions kept`;
      });
      return { jobId };
    },

    listSamples: (input) => {
      project.requireDataset();
      return project.findSamples(input);
    },

    startTraining: (input) => {
      requireNoTraining();
      project.requireDataset();
      const jobId = jobs.start('train', async (job) => {
        const runId = await runCrossValidation(project, input.config, {
          signal: job.signal,
          onRunCreated: (id) => job.update({ runId: id, phase: 'loading images' }),
          onProgress: trainingProgress(job, 'cross-validation'),
        });
        emit({ type: 'project', reason: 'run-finished' });
        job.update({ phase: 'ranking label issues' });
        const set = computeIssueSet(project, {
          runId,
          filterBy: 'prune_by_noise_rate',
          rankedBy: 'self_confidence',
        });
        emit({ type: 'project', reason: 'issues-computed' });
        return `run #${runId} finished; ${set.count} label issues ready for review`;
      });
      return { jobId };
    },

    cancelJob: (input) => ({ cancelled: jobs.cancel(input.jobId) }),

    listRuns: () => project.runs.list().map(({ datasetGeneration: _g, ...r }) => r),

    computeIssues: (input) => {
      try {
        const set = computeIssueSet(project, input);
        emit({ type: 'project', reason: 'issues-computed' });
        return set;
      } catch (e) {
        if (e instanceof ProjectError) throw new ServiceError('conflict', e.message);
        throw e;
      }
    },

    getIssues: (input): IssuePage => {
      const set = project.issues.latest();
      if (!set) return { set: null, total: 0, setTotal: 0, reviewed: 0, offset: input.offset, issues: [] };
      const { total, rows } = project.issues.page(set.id, input.filter, input.offset, input.limit);
      const decisions = project.decisions.currentFor(rows.map((r) => r.path));
      return {
        set,
        total,
        setTotal: set.count,
        reviewed: project.issues.reviewedCount(set.id),
        offset: input.offset,
        issues: rows.map((r, i) => toIssue(r, decisions[i], set.runId)),
      };
    },

    decide: (input) => {
      project.requireDataset();
      if (input.action === 'relabel') requireClass(input.newLabel!);
      const targets = sampleTargets(input.sampleIndices);
      const r = project.decisions.record(
        targets,
        input.action,
        input.action === 'relabel' ? input.newLabel! : null,
        annotator,
      );
      decided(input.sampleIndices);
      return r;
    },

    acceptSuggestions: (input) => {
      const set = project.issues.latest();
      if (!set) throw new ServiceError('conflict', 'no label issues yet: train and find issues first');
      const filter = {
        ...input.filter,
        maxQuality: Math.min(input.maxQuality, input.filter.maxQuality ?? 1),
      };
      const { rows } = project.issues.page(set.id, filter, 0, Number.MAX_SAFE_INTEGER);
      if (rows.length === 0) throw new ServiceError('not_found', 'no issue matches this filter and score');
      const targets = sampleTargets(rows.map((r) => r.sampleIndex));
      const r = project.decisions.recordBatch(
        rows.map((row, i) => ({
          target: targets[i],
          action: 'relabel' as DecisionAction,
          newLabel: row.suggestedLabel,
        })),
        annotator,
      );
      decided(rows.map((row) => row.sampleIndex));
      return r;
    },

    undo: () => undoResult(project.decisions.undo(annotator).paths),
    redo: () => undoResult(project.decisions.redo(annotator).paths),

    decisionHistory: (input) => {
      const s = project.getSample(input.sampleIndex);
      if (!s) throw new ServiceError('not_found', `image index ${input.sampleIndex} does not exist`);
      return project.decisions.history(s.path);
    },

    retrain: (input) => {
      requireNoTraining();
      project.requireDataset();
      const jobId = jobs.start('retrain', async (job) => {
        let phase = 'before';
        const r = await runRetrain(project, input.config, {
          signal: job.signal,
          onPhase: (p) => (phase = p),
          onRunCreated: (id) => job.update({ runId: id }),
          onProgress: (p) =>
            trainingProgress(
              job,
              phase === 'before' ? 'model on the given labels' : 'model on the reviewed labels',
            )(p),
        });
        emit({ type: 'project', reason: 'run-finished' });
        return `retrained: run #${r.afterRunId} vs #${r.beforeRunId}`;
      });
      return { jobId };
    },

    compareRuns: () => compareBeforeAfter(project),

    exportLabels: (input) => exportLabels(project, input.outDir, { force: input.force }),
  };

  const api = {} as RelabelApi;
  for (const name of Object.keys(apiInputs) as ApiName[]) {
    (api as Record<ApiName, (input: unknown) => Promise<unknown>>)[name] = async (input: unknown) => {
      const parsed = apiInputs[name].safeParse(input ?? {});
      if (!parsed.success) throw new ServiceError('invalid_input', describeZodError(name, parsed.error));
      try {
        return await (handlers[name] as (i: unknown) => unknown)(parsed.data);
      } catch (e) {
        throw toServiceError(e);
      }
    };
  }

  return {
    ...api,
    subscribe: (listener) => {
      emitter.on('event', listener);
      return () => emitter.off('event', listener);
    },
    readMedia: async (kind, index) => {
      if (!Number.isSafeInteger(index) || index < 0)
        throw new ServiceError('invalid_input', 'bad image index');
      try {
        return await readSampleImage(project, index, kind);
      } catch (e) {
        throw toServiceError(e, 'not_found');
      }
    },
    close: async () => {
      jobs.cancelAll();
      await jobs.idle();
      emitter.removeAllListeners();
      project.close();
    },
  };
}

/** Errors the user can act on keep their message; anything else stays an internal error. */
function toServiceError(e: unknown, userCode: ServiceErrorCode = 'conflict'): unknown {
  if (e instanceof ServiceError) return e;
  if (e instanceof MediaNotFoundError) return new ServiceError('not_found', e.message);
  // The reason names paths outside the dataset: it goes to the log only, never to a client.
  if (e instanceof UnsafePathError)
    return new ServiceError('not_found', 'this image is outside the dataset folder and is not served');
  if (e instanceof ExportRefusedError)
    return new ServiceError(e.reason === 'would_overwrite' ? 'would_overwrite' : 'invalid_input', e.message);
  if (e instanceof ProjectError) return new ServiceError(userCode, e.message);
  if (e instanceof Error && (e as NodeJS.ErrnoException).code === 'ENOENT')
    return new ServiceError('not_found', e.message);
  return e;
}

export function describeZodError(name: string, error: ZodError): string {
  const parts = error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(input)'}: ${i.message}`);
  return `invalid input for ${name}: ${parts.join('; ')}`;
}

export type { ApiInput };
