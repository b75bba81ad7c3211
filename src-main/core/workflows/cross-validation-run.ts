import type { TrainConfig, TrainingLabels } from '../../../src-shared/domain';
import type { CvOverrides } from '../../../src-shared/train-config';
import { argmaxRows, computeMetrics, crossValidate, defaultTrainConfig, type TrainProgress } from '../train';
import type { Project } from '../store/project';
import { ProjectError } from '../store/errors';
import { defaultTrainingLabels, labelsForTraining, loadTrainingData } from './training-data';

export interface RunCallbacks {
  onProgress?: (p: TrainProgress) => void;
  /** Called once the run row exists, before training starts. */
  onRunCreated?: (runId: number) => void;
  signal?: AbortSignal;
}

/**
 * K-fold cross-validation over the whole dataset with the given or the reviewed labels (`labels`; by default the
 * reviewed ones once decisions exist: a run on them starts a new cleaning round). Each fold's out-of-fold
 * probabilities are stored as the fold ends, so a killed run resumes where it stopped
 * (`resumeRunId`), and the finished run holds one probability vector per image.
 */
export async function runCrossValidation(
  project: Project,
  { labels: labelsChoice, ...overrides }: CvOverrides,
  cb: RunCallbacks & { resumeRunId?: number } = {},
): Promise<number> {
  project.requireDataset();
  let runId: number;
  let config: TrainConfig;
  let which: TrainingLabels;
  if (cb.resumeRunId !== undefined) {
    const run = project.runs.get(cb.resumeRunId);
    if (!run || run.kind !== 'cv')
      throw new ProjectError(`run #${cb.resumeRunId} is not a cross-validation run`);
    if (run.status === 'done') throw new ProjectError(`run #${run.id} is already finished`);
    if (run.datasetGeneration !== project.datasetGeneration) {
      throw new ProjectError(
        `run #${run.id} was made on a dataset that has since been re-imported; start a new run`,
      );
    }
    const { labels: stored, ...storedConfig } = run.config;
    which = stored ?? 'given';
    if (labelsChoice !== undefined && labelsChoice !== which) {
      throw new ProjectError(
        `run #${run.id} trains on the ${which} labels; it cannot resume on the ${labelsChoice} ones`,
      );
    }
    config = { ...defaultTrainConfig(), ...(storedConfig as Partial<TrainConfig>), ...overrides };
    runId = run.id;
    project.runs.reopen(runId);
  } else {
    config = { ...defaultTrainConfig(), ...overrides };
    which = labelsChoice ?? defaultTrainingLabels(project);
    runId = project.runs.create('cv', { ...config, labels: which });
  }
  const { labels, include, relabeled, excluded } = labelsForTraining(project, which);
  const data = loadTrainingData(project, labels);
  cb.onRunCreated?.(runId);
  const doneFolds = project.runs.folds(runId).map((f) => ({ ...f, backend: f.backend as never }));
  try {
    const result = await crossValidate({
      data,
      config,
      include: include.length === data.n ? undefined : include,
      doneFolds,
      signal: cb.signal,
      onProgress: (p) => {
        if (p.backend) project.runs.setBackend(runId, p.backend);
        cb.onProgress?.(p);
      },
      // The fold's probabilities and the model that made them land together (the model explains them).
      onFold: (f) =>
        project.db.transaction(() => {
          project.runs.saveFold(runId, f);
          if (f.model) project.models.save(runId, f.fold, f.model);
        })(),
    });
    project.runs.setBackend(runId, result.backend);
    const k = data.numClasses;
    const unreadable = data.n - include.length - excluded;
    const rows = new Float32Array(include.length * k);
    include.forEach((s, row) => rows.set(result.oof.subarray(s * k, s * k + k), row * k));
    const folds = project.runs.folds(runId);
    project.runs.finish(runId, {
      status: 'done',
      metrics: computeMetrics(
        Int32Array.from(include, (s) => data.labels[s]),
        argmaxRows(rows, k),
        k,
      ),
      curves: folds.map((f) => f.curve),
      notes: [
        which === 'given'
          ? `out-of-fold predictions of ${config.folds}-fold cross-validation, scored against the given (noisy) labels`
          : `trained on the reviewed labels (${relabeled} relabelled, ${excluded} excluded images left out); ` +
            `out-of-fold predictions of ${config.folds}-fold cross-validation scored against them`,
        ...(unreadable > 0 ? [`${unreadable} unreadable images left out`] : []),
        ...result.notes,
      ],
      probs: { numClasses: data.numClasses, values: result.oof },
    });
    return runId;
  } catch (e) {
    const cancelled = cb.signal?.aborted ?? false;
    project.runs.finish(runId, {
      status: cancelled ? 'cancelled' : 'failed',
      error: cancelled ? 'cancelled; resume with --resume ' + runId : (e as Error).message,
      curves: project.runs.folds(runId).map((f) => f.curve),
    });
    throw e;
  }
}
