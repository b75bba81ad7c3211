import type { BackendName, EpochPoint, Metrics, TrainConfig } from '../../../src-shared/domain';
import { validateTrainConfig } from './config';
import { argmaxRows, computeMetrics } from './metrics';
import type { SerializedModel } from './model-weights';
import { runModelJobs, type ModelJob, type ModelJobResult } from './pool';
import { earlyStoppingNote, ProgressTracker } from './progress';
import { deriveSeed } from '../random/seeded';
import { stratifiedKFold } from './split';
import type { FoldResult, TrainingData, TrainProgress } from './types';

export interface CrossValidateOptions {
  data: TrainingData;
  config: TrainConfig;
  /** Samples taking part (default: all). */
  include?: Int32Array;
  /** Labels to train on (default: data.labels), one per sample of the dataset. */
  labels?: Int32Array;
  /** Folds already finished by an earlier, interrupted run with the same data, labels and config. */
  doneFolds?: FoldResult[];
  onFold: (r: FoldResult) => void;
  onProgress: (p: TrainProgress) => void;
  signal?: AbortSignal;
}

export interface CrossValidateResult {
  /** n × numClasses out-of-fold probabilities; rows of samples not included stay NaN. */
  oof: Float32Array;
  backend: BackendName;
  notes: string[];
}

export interface TrainAndEvaluateOptions {
  data: TrainingData;
  config: TrainConfig;
  trainIndices: Int32Array;
  trainLabels: Int32Array;
  testIndices: Int32Array;
  testLabels: Int32Array;
  onProgress?: (p: TrainProgress) => void;
  signal?: AbortSignal;
}

export interface TrainAndEvaluateResult {
  metrics: Metrics;
  /** testIndices.length × numClasses probabilities. */
  probs: Float32Array;
  curve: EpochPoint[];
  backend: BackendName;
  notes: string[];
  model: SerializedModel;
}

export function validateTrainingData(d: TrainingData): void {
  const size = d.height * d.width * d.channels;
  if (!Number.isInteger(d.n) || d.n < 1) throw new Error(`dataset has ${d.n} images`);
  if (d.pixels.length !== d.n * size) {
    throw new Error(
      `pixel array holds ${d.pixels.length} bytes; ${d.n} images of ${d.width}×${d.height}×${d.channels} need ${d.n * size}`,
    );
  }
  if (d.labels.length !== d.n) throw new Error(`${d.labels.length} labels for ${d.n} images`);
  if (!Number.isInteger(d.numClasses) || d.numClasses < 2)
    throw new Error(`need at least 2 classes, got ${d.numClasses}`);
}

function checkSampleLabels(indices: Int32Array, labels: Int32Array, d: TrainingData, what: string): void {
  const seen = new Uint8Array(d.n);
  indices.forEach((s, i) => {
    if (!Number.isInteger(s) || s < 0 || s >= d.n)
      throw new Error(`${what} index ${s} is outside 0..${d.n - 1}`);
    if (seen[s]) throw new Error(`${what} lists sample ${s} twice`);
    seen[s] = 1;
    const l = labels[i];
    if (!Number.isInteger(l) || l < 0 || l >= d.numClasses) {
      throw new Error(`label of sample ${s} is ${l}; expected 0..${d.numClasses - 1}`);
    }
  });
}

/**
 * Stratified K-fold cross-validation: every included sample's out-of-fold probabilities come from the
 * one model whose training set excluded it. Folds train in parallel worker processes; each finished
 * fold is reported through onFold (so an interrupted run can resume with doneFolds).
 */
export async function crossValidate(o: CrossValidateOptions): Promise<CrossValidateResult> {
  const { data, config } = o;
  validateTrainConfig(config);
  validateTrainingData(data);
  const labels = o.labels ?? data.labels;
  if (labels.length !== data.n) throw new Error(`${labels.length} labels for ${data.n} images`);
  const include = o.include ?? Int32Array.from({ length: data.n }, (_, i) => i);
  const includedLabels = Int32Array.from(include, (s) => labels[s]);
  checkSampleLabels(include, includedLabels, data, 'include');
  const k = config.folds;
  const K = data.numClasses;
  const foldOf = stratifiedKFold(includedLabels, k, config.seed);

  const testOf = Array.from({ length: k }, () => [] as number[]);
  include.forEach((s, i) => testOf[foldOf[i]].push(s));
  const tests = testOf.map((t) => Int32Array.from(t.sort((a, b) => a - b)));
  const inFold = new Int32Array(data.n).fill(-1);
  tests.forEach((t, f) => t.forEach((s) => (inFold[s] = f)));

  const oof = new Float32Array(data.n * K).fill(Number.NaN);
  const fill = (testIndices: Int32Array, probs: Float32Array) =>
    testIndices.forEach((s, row) => oof.set(probs.subarray(row * K, row * K + K), s * K));

  const done = new Set<number>();
  let backend: BackendName | null = null;
  for (const f of o.doneFolds ?? []) {
    const expected = tests[f.fold];
    if (!expected) throw new Error(`cannot resume: fold ${f.fold} does not exist with ${k} folds`);
    const same = expected.length === f.testIndices.length && expected.every((s, i) => s === f.testIndices[i]);
    if (!same) {
      throw new Error(
        `cannot resume: the samples of stored fold ${f.fold + 1} differ from this split (folds, seed, labels or included samples changed)`,
      );
    }
    if (f.probs.length !== expected.length * K)
      throw new Error(`cannot resume: fold ${f.fold + 1} has the wrong number of probabilities`);
    fill(f.testIndices, f.probs);
    done.add(f.fold);
    backend ??= f.backend;
  }

  const jobs: ModelJob[] = [];
  for (let f = 0; f < k; f++) {
    if (done.has(f)) continue;
    const train = include.filter((s) => inFold[s] !== f).sort();
    jobs.push({
      fold: f,
      seed: deriveSeed(config.seed, 100 + f),
      trainIndices: train,
      trainLabels: Int32Array.from(train, (s) => labels[s]),
      predictIndices: tests[f],
    });
  }

  const notes: string[] = [];
  if (done.size > 0) notes.push(`resumed: ${done.size} of ${k} folds were already done`);
  if (jobs.length === 0) return { oof, backend: backend!, notes };

  const tracker = new ProgressTracker(k, config.epochs, jobs, config.batchSize, config.validationFraction);
  const stops: { fold: number | null; run: number; best: number }[] = [];
  o.onProgress(tracker.message(`starting ${Math.min(config.workers, jobs.length)} training worker(s)`));
  const pool = await runModelJobs({
    data,
    config,
    jobs,
    signal: o.signal,
    onReady: (name, _notes, workers) => {
      tracker.backend = name;
      o.onProgress(
        tracker.message(`training ${jobs.length} fold model(s) on ${name}, ${workers} in parallel`),
      );
    },
    onProgress: (job, p) => o.onProgress(tracker.progress(job, p)),
    onResult: (job, r, name) => {
      fill(job.predictIndices, r.probs);
      tracker.finished(job);
      stops.push({ fold: job.fold, run: r.curve.length, best: r.bestEpoch });
      notes.push(...r.notes.map((n) => `fold ${job.fold! + 1}: ${n}`));
      o.onFold({
        fold: job.fold!,
        testIndices: job.predictIndices,
        probs: r.probs,
        curve: r.curve,
        backend: name,
        model: r.model,
      });
      o.onProgress(tracker.message(`fold ${job.fold! + 1}/${k} done`));
    },
  });
  const stopNote = earlyStoppingNote(config.epochs, stops);
  return { oof, backend: pool.backend, notes: [...pool.notes, ...notes, ...(stopNote ? [stopNote] : [])] };
}

/** Trains one model on the training samples (in a worker process) and scores it on the test samples. */
export async function trainAndEvaluate(o: TrainAndEvaluateOptions): Promise<TrainAndEvaluateResult> {
  const { data, config } = o;
  validateTrainConfig(config);
  validateTrainingData(data);
  if (o.trainIndices.length !== o.trainLabels.length)
    throw new Error('trainIndices and trainLabels differ in length');
  if (o.testIndices.length !== o.testLabels.length)
    throw new Error('testIndices and testLabels differ in length');
  checkSampleLabels(o.trainIndices, o.trainLabels, data, 'trainIndices');
  checkSampleLabels(o.testIndices, o.testLabels, data, 'testIndices');
  const job: ModelJob = {
    fold: null,
    seed: deriveSeed(config.seed, 99),
    trainIndices: o.trainIndices,
    trainLabels: o.trainLabels,
    predictIndices: o.testIndices,
  };
  const tracker = new ProgressTracker(0, config.epochs, [job], config.batchSize, config.validationFraction);
  let result: ModelJobResult | null = null;
  const pool = await runModelJobs({
    data,
    config: { ...config, workers: 1 },
    jobs: [job],
    signal: o.signal,
    onReady: (name) => {
      tracker.backend = name;
      o.onProgress?.(tracker.message(`training on ${name}`));
    },
    onProgress: (j, p) => o.onProgress?.(tracker.progress(j, p)),
    onResult: (_j, r) => (result = r),
  });
  const r = result!;
  const stopNote = earlyStoppingNote(config.epochs, [{ fold: null, run: r.curve.length, best: r.bestEpoch }]);
  return {
    metrics: computeMetrics(o.testLabels, argmaxRows(r.probs, data.numClasses), data.numClasses),
    probs: r.probs,
    curve: r.curve,
    backend: pool.backend,
    notes: [...pool.notes, ...r.notes, ...(stopNote ? [stopNote] : [])],
    model: r.model,
  };
}
