import type { Comparison } from '../../../src-shared/api';
import type { Metrics, RunSummary, TrainConfig } from '../../../src-shared/domain';
import {
  defaultTrainConfig,
  scoreProbabilityRows,
  stratifiedSplit,
  trainAndEvaluate,
  type TrainAndEvaluateResult,
  type TrainingData,
  type TrainProgress,
} from '../train';
import type { Project } from '../store/project';
import { SINGLE_MODEL } from '../store/run-models';
import type { RunRecord } from '../store/runs';
import type { RunCallbacks } from './cross-validation-run';
import type { BackboneSpec } from '../features/backbone-spec';
import { runBackbone, trainAndEvaluatePretrained } from './pretrained';
import {
  cleanedLabels,
  datasetShapeOf,
  loadTrainingData,
  trainingLabels,
  usableIndices,
} from './training-data';

export const DEFAULT_TEST_FRACTION = 0.2;

export interface HoldoutConfig extends TrainConfig {
  testFraction: number;
}

/** The fixed, stratified hold-out split (on the given labels, so decisions never move it). */
export function holdoutSplit(project: Project, testFraction: number, seed: number) {
  const usable = usableIndices(project);
  const given = project.getGivenLabels();
  const split = stratifiedSplit(
    Int32Array.from(usable, (i) => given[i]),
    testFraction,
    seed,
  );
  return { train: split.train.map((i) => usable[i]), test: split.test.map((i) => usable[i]) };
}

export type EvaluationSet = ReturnType<typeof evaluationSet>;

/** Evaluation labels of the hold-out images: reviewed labels where a human decided, excluded images left out. */
export function evaluationSet(project: Project, test: Int32Array) {
  const { labels, excluded, decided } = cleanedLabels(project);
  const indices = Int32Array.from(Array.from(test).filter((i) => !excluded.has(i)));
  return {
    indices,
    labels: Int32Array.from(indices, (i) => labels[i]),
    reviewed: Array.from(indices).filter((i) => decided.has(i)).length,
    excluded: test.length - indices.length,
  };
}

const sameSetup = (run: RunRecord, c: HoldoutConfig) =>
  [
    'model',
    'epochs',
    'seed',
    'testFraction',
    'batchSize',
    'learningRate',
    'augment',
    'calibration',
    'classWeights',
  ].every(
    (k) => (run.config as Record<string, unknown>)[k] === (c as unknown as Record<string, unknown>)[k],
  ) &&
  (c.model !== 'pretrained' ||
    JSON.stringify(runBackbone(run.config, 0)) === JSON.stringify(runBackbone(c, 0)));

/** The backbone of the newest pretrained cross-validation run (its embeddings are the ones stored), else the default. */
function latestPretrainedBackbone(project: Project): BackboneSpec {
  const run = project.runs
    .list()
    .reverse()
    .find(
      (r) =>
        r.kind === 'cv' &&
        r.config.model === 'pretrained' &&
        r.datasetGeneration === project.datasetGeneration,
    );
  return runBackbone(run?.config ?? {}, project.requireDataset().numSamples);
}

/**
 * Retrains on the cleaned labels and compares with a model trained on the given labels, both evaluated on the
 * same held-out images. The "before" model is trained once per dataset and setup and reused afterwards.
 */
export async function runRetrain(
  project: Project,
  overrides: Partial<HoldoutConfig>,
  cb: RunCallbacks & { onPhase?: (phase: 'before' | 'after') => void; backbone?: Partial<BackboneSpec> } = {},
): Promise<{ beforeRunId: number; afterRunId: number }> {
  project.requireDataset();
  const config: HoldoutConfig = {
    ...defaultTrainConfig(datasetShapeOf(project), overrides.model),
    testFraction: DEFAULT_TEST_FRACTION,
    ...overrides,
    ...(overrides.model === 'pretrained'
      ? { backbone: cb.backbone ?? latestPretrainedBackbone(project) }
      : {}),
  };
  const data = config.model === 'pretrained' ? trainingLabels(project) : loadTrainingData(project);
  const split = holdoutSplit(project, config.testFraction, config.seed);

  let before = project.runs
    .list()
    .reverse()
    .find(
      (r) =>
        r.kind === 'holdout' &&
        r.status === 'done' &&
        r.datasetGeneration === project.datasetGeneration &&
        sameSetup(r, config),
    );
  if (!before) {
    cb.onPhase?.('before');
    const id = await trainHoldout(project, {
      data,
      kind: 'holdout',
      config,
      labels: data.labels,
      excluded: new Set(),
      split,
      callbacks: cb,
      baselineRunId: null,
    });
    before = project.runs.get(id)!;
  }

  cb.onPhase?.('after');
  const { labels, excluded } = cleanedLabels(project);
  const afterRunId = await trainHoldout(project, {
    data,
    kind: 'retrain',
    config,
    labels,
    excluded,
    split,
    callbacks: cb,
    baselineRunId: before.id,
  });
  return { beforeRunId: before.id, afterRunId };
}

interface HoldoutRunOptions {
  /** The pixels for a CNN; the labels only for `pretrained` (its workers read the stored embeddings). */
  data: TrainingData | ReturnType<typeof trainingLabels>;
  /** 'holdout': trained on the given labels; 'retrain': on the reviewed ones. */
  kind: 'holdout' | 'retrain';
  config: HoldoutConfig;
  /** Training label of every sample of the dataset. */
  labels: Int32Array;
  /** Samples left out of training. */
  excluded: Set<number>;
  split: { train: Int32Array; test: Int32Array };
  callbacks: RunCallbacks;
  /** The "before" run a retrain is compared with. */
  baselineRunId: number | null;
}

/** One hold-out run: create its row, train and evaluate, then store the result (or the failure). */
async function trainHoldout(project: Project, o: HoldoutRunOptions): Promise<number> {
  const runId = project.runs.create(o.kind, { ...o.config }, o.baselineRunId);
  o.callbacks.onRunCreated?.(runId);
  try {
    const trainIndices = Int32Array.from(Array.from(o.split.train).filter((i) => !o.excluded.has(i)));
    const evalSet = evaluationSet(project, o.split.test);
    const r = await trainOnSplit(project, runId, trainIndices, o);
    storeHoldoutResult(project, runId, { trained: trainIndices.length, evalSet, result: r }, o);
    return runId;
  } catch (e) {
    const cancelled = o.callbacks.signal?.aborted ?? false;
    project.runs.finish(runId, {
      status: cancelled ? 'cancelled' : 'failed',
      error: cancelled ? 'cancelled' : (e as Error).message,
    });
    throw e;
  }
}

type HoldoutResult = Omit<TrainAndEvaluateResult, 'model'> & { model?: TrainAndEvaluateResult['model'] };

function trainOnSplit(
  project: Project,
  runId: number,
  trainIndices: Int32Array,
  o: HoldoutRunOptions,
): Promise<HoldoutResult> {
  const { split, labels, callbacks } = o;
  // The engine takes the training options only (its schema is strict): not the split or the backbone.
  const {
    testFraction: _split,
    backbone: _backbone,
    ...trainConfig
  } = o.config as HoldoutConfig & { backbone?: unknown };
  const job = {
    config: trainConfig,
    trainIndices,
    trainLabels: Int32Array.from(trainIndices, (i) => labels[i]),
    // Predict every held-out image (also excluded ones) so the run can be re-scored as decisions change.
    testIndices: split.test,
    testLabels: Int32Array.from(split.test, (i) => labels[i]),
    onProgress: (p: TrainProgress) => {
      if (p.backend) project.runs.setBackend(runId, p.backend);
      callbacks.onProgress?.(p);
    },
    signal: callbacks.signal,
  };
  return o.config.model === 'pretrained'
    ? trainAndEvaluatePretrained(project, {
        ...job,
        backbone: runBackbone(o.config, o.data.n),
        numClasses: o.data.numClasses,
      })
    : trainAndEvaluate({ ...job, data: o.data as TrainingData });
}

/** Stores the held-out probabilities (NaN elsewhere) and their metrics on the current evaluation labels. */
function storeHoldoutResult(
  project: Project,
  runId: number,
  outcome: { trained: number; evalSet: EvaluationSet; result: HoldoutResult },
  o: HoldoutRunOptions,
): void {
  const { trained, evalSet, result: r } = outcome;
  const k = o.data.numClasses;
  const full = new Float32Array(o.data.n * k).fill(Number.NaN);
  o.split.test.forEach((sample, row) => full.set(r.probs.subarray(row * k, row * k + k), sample * k));
  project.runs.setBackend(runId, r.backend);
  // A CNN's weights are kept to explain its predictions; a pretrained run's logistic regression has none to keep.
  if (r.model) project.models.save(runId, SINGLE_MODEL, r.model);
  project.runs.finish(runId, {
    status: 'done',
    metrics: scoreOn(full, k, evalSet),
    curves: [r.curve],
    notes: [
      o.kind === 'holdout'
        ? `trained on the ${trained} training images with their given labels`
        : `trained on ${trained} training images with reviewed labels (${o.excluded.size} excluded images left out)`,
      evalNote(evalSet),
      ...r.notes,
    ],
    probs: { numClasses: k, values: full },
  });
}

const evalNote = (s: EvaluationSet) =>
  `evaluated on ${s.indices.length} held-out images; ${s.reviewed} of their labels were reviewed by a human and used as corrected` +
  (s.excluded ? `, ${s.excluded} excluded held-out images left out` : '');

/** Metrics of per-sample probabilities (n×k, NaN rows where not predicted) on an evaluation set. */
function scoreOn(probs: Float32Array, k: number, evalSet: EvaluationSet): Metrics | null {
  const rows = new Float32Array(evalSet.indices.length * k);
  evalSet.indices.forEach((sample, row) => rows.set(probs.subarray(sample * k, sample * k + k), row * k));
  if (rows.some(Number.isNaN)) return null; // predictions missing for some evaluated image
  return scoreProbabilityRows(evalSet.labels, rows, k);
}

/** Metrics of a hold-out run's stored predictions against the current evaluation labels. */
function rescore(project: Project, run: RunRecord, test: Int32Array): Metrics | null {
  const probs = project.runs.probs(run.id);
  return probs ? scoreOn(probs.values, probs.numClasses, evaluationSet(project, test)) : null;
}

/**
 * Before vs after on the same held-out images and the same (current) evaluation labels, so the two numbers
 * are comparable even when decisions changed since the runs were made.
 */
export function compareBeforeAfter(project: Project): Comparison {
  const after = project.runs.latest(['retrain']);
  const before = after?.baselineRunId
    ? project.runs.get(after.baselineRunId)
    : project.runs.latest(['holdout']);
  if (!before && !after) {
    return {
      before: null,
      after: null,
      notes: ['no hold-out evaluation yet: press Retrain (or run `relabel retrain`)'],
    };
  }
  const ref = (after ?? before)!;
  const cfg = ref.config as Partial<HoldoutConfig>;
  const split = holdoutSplit(
    project,
    cfg.testFraction ?? DEFAULT_TEST_FRACTION,
    cfg.seed ?? defaultTrainConfig().seed,
  );
  const evalSet = evaluationSet(project, split.test);
  const withMetrics = (r: RunRecord | undefined): RunSummary | null =>
    r ? { ...strip(r), metrics: rescore(project, r, split.test) ?? r.metrics } : null;
  return {
    before: withMetrics(before),
    after: withMetrics(after),
    notes: [
      'before: model trained on the given labels; after: model trained on the reviewed labels (relabels applied, exclusions dropped)',
      evalNote(evalSet),
    ],
  };
}

function strip(r: RunRecord): RunSummary {
  const { datasetGeneration: _gen, ...summary } = r;
  return summary;
}
