import type { TrainConfig, TrainingLabels } from '../../../src-shared/domain';
import type { CvOverrides } from '../../../src-shared/train-config';
import {
  crossValidate,
  defaultTrainConfig,
  scoreProbabilityRows,
  type FoldResult,
  type TrainingData,
  type TrainProgress,
} from '../train';
import { storedTrainConfig } from '../train/config';
import type { Project } from '../store/project';
import { ProjectError } from '../store/errors';
import { defaultBackbone, type BackboneSpec } from '../features/backbone-spec';
import { crossValidatePretrained, runBackbone } from './pretrained';
import {
  datasetShapeOf,
  defaultTrainingLabels,
  labelsForTraining,
  loadTrainingData,
  trainingLabels,
} from './training-data';

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
  cb: RunCallbacks & { resumeRunId?: number; backbone?: Partial<BackboneSpec> } = {},
): Promise<number> {
  project.requireDataset();
  const shape = datasetShapeOf(project);
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
    const {
      backbone: _backbone,
      labels: storedLabels,
      ...stored
    } = storedTrainConfig(run.config) as Partial<TrainConfig> & {
      backbone?: unknown;
      labels?: TrainingLabels;
    };
    which = storedLabels ?? 'given';
    if (labelsChoice !== undefined && labelsChoice !== which) {
      throw new ProjectError(
        `run #${run.id} trains on the ${which} labels; it cannot resume on the ${labelsChoice} ones`,
      );
    }
    config = { ...defaultTrainConfig(shape, overrides.model ?? stored.model), ...stored, ...overrides };
    runId = run.id;
    project.runs.reopen(runId);
  } else {
    config = { ...defaultTrainConfig(shape, overrides.model), ...overrides };
    which = labelsChoice ?? defaultTrainingLabels(project);
    // A pretrained run records its backbone, so a resume or a retrain uses the same one.
    const n = project.requireDataset().numSamples;
    const backbone =
      config.model === 'pretrained' ? { backbone: { ...defaultBackbone(n), ...cb.backbone } } : {};
    runId = project.runs.create('cv', { ...config, labels: which, ...backbone });
  }
  const { labels, include, relabeled, excluded } = labelsForTraining(project, which);
  // The pretrained model never needs the pixels in this process (its workers embed from a file).
  const data =
    config.model === 'pretrained' ? trainingLabels(project, labels) : loadTrainingData(project, labels);
  cb.onRunCreated?.(runId);
  const doneFolds = project.runs.folds(runId).map((f) => ({ ...f, backend: f.backend as never }));
  try {
    const onProgress = (p: TrainProgress) => {
      if (p.backend) project.runs.setBackend(runId, p.backend);
      cb.onProgress?.(p);
    };
    // The fold's probabilities and the model that made them land together (the model explains them).
    const onFold = (f: FoldResult) =>
      project.db.transaction(() => {
        project.runs.saveFold(runId, f);
        if (f.model) project.models.save(runId, f.fold, f.model);
      })();
    const result =
      config.model === 'pretrained'
        ? await crossValidatePretrained(project, {
            config,
            backbone: runBackbone(project.runs.get(runId)!.config, data.n),
            numClasses: data.numClasses,
            include,
            labels: data.labels,
            doneFolds,
            signal: cb.signal,
            onProgress,
            onFold,
          })
        : await crossValidate({
            data: data as TrainingData,
            config,
            include: include.length === data.n ? undefined : include,
            doneFolds,
            signal: cb.signal,
            onProgress,
            onFold,
          });
    project.runs.setBackend(runId, result.backend);
    const k = data.numClasses;
    const unreadable = data.n - include.length - excluded;
    const rows = new Float32Array(include.length * k);
    include.forEach((s, row) => rows.set(result.oof.subarray(s * k, s * k + k), row * k));
    const folds = project.runs.folds(runId);
    project.runs.finish(runId, {
      status: 'done',
      metrics: scoreProbabilityRows(
        Int32Array.from(include, (s) => data.labels[s]),
        rows,
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
