import type { TrainConfig } from '../../../src-shared/domain';
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
import { datasetShapeOf, loadTrainingData, trainingLabels, usableIndices } from './training-data';

export interface RunCallbacks {
  onProgress?: (p: TrainProgress) => void;
  /** Called once the run row exists, before training starts. */
  onRunCreated?: (runId: number) => void;
  signal?: AbortSignal;
}

/**
 * K-fold cross-validation over the whole dataset with the given labels. Each fold's out-of-fold
 * probabilities are stored as the fold ends, so a killed run resumes where it stopped
 * (`resumeRunId`), and the finished run holds one probability vector per image.
 */
export async function runCrossValidation(
  project: Project,
  overrides: Partial<TrainConfig>,
  cb: RunCallbacks & { resumeRunId?: number; backbone?: Partial<BackboneSpec> } = {},
): Promise<number> {
  project.requireDataset();
  const shape = datasetShapeOf(project);
  let runId: number;
  let config: TrainConfig;
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
    const { backbone: _backbone, ...stored } = storedTrainConfig(run.config) as Partial<TrainConfig> & {
      backbone?: unknown;
    };
    config = { ...defaultTrainConfig(shape, overrides.model ?? stored.model), ...stored, ...overrides };
    runId = run.id;
    project.runs.reopen(runId);
  } else {
    config = { ...defaultTrainConfig(shape, overrides.model), ...overrides };
    // A pretrained run records its backbone, so a resume or a retrain uses the same one.
    const n = project.requireDataset().numSamples;
    const backbone =
      config.model === 'pretrained' ? { backbone: { ...defaultBackbone(n), ...cb.backbone } } : {};
    runId = project.runs.create('cv', { ...config, ...backbone });
  }
  cb.onRunCreated?.(runId);
  const doneFolds = project.runs.folds(runId).map((f) => ({ ...f, backend: f.backend as never }));
  try {
    const include = usableIndices(project);
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
    // The pretrained model never needs the pixels in this process (its workers embed from a file).
    const data = config.model === 'pretrained' ? trainingLabels(project) : loadTrainingData(project);
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
        `out-of-fold predictions of ${config.folds}-fold cross-validation, scored against the given (noisy) labels`,
        ...(include.length < data.n ? [`${data.n - include.length} unreadable images left out`] : []),
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
