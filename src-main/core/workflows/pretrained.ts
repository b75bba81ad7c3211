import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BackendName, TrainConfig } from '../../../src-shared/domain';
import { defaultBackbone, type BackboneSpec } from '../features/backbone-spec';
import { runFeatureJobs } from '../features/feature-pool';
import type { LogisticJob } from '../features/protocol';
import {
  argmaxRows,
  computeMetrics,
  stratifiedKFold,
  validateTrainConfig,
  type FoldResult,
  type TrainProgress,
} from '../train';
import { deriveSeed } from '../random/seeded';
import { decodeFloat32, encodeArray } from '../train/protocol';
import type { StoredFold } from '../store/runs';
import type { Project } from '../store/project';
import { ensureEmbeddings, writeEmbeddingMatrix, type Embeddings } from './embeddings';

/** The backbone a run uses: what its config names over the default (the bundled MobileNetV2 at the default side). */
export function runBackbone(config: object, numImages: number): BackboneSpec {
  const b = (config as { backbone?: Partial<BackboneSpec> }).backbone;
  return { ...defaultBackbone(numImages), ...(b ?? {}) };
}

interface PretrainedCommon {
  config: TrainConfig;
  backbone: BackboneSpec;
  numClasses: number;
  signal?: AbortSignal;
  onProgress?: (p: TrainProgress) => void;
}

/** Progress in the shape training reports it: images embedded, then folds fitted, as one done/total. */
function progress(
  p: { fold?: number | null; folds: number; done: number; total: number; modelsDone?: number },
  backend: BackendName | null,
  message: string,
): TrainProgress {
  return {
    fold: p.fold ?? null,
    folds: p.folds,
    epoch: 1,
    epochs: 1,
    batch: p.done,
    batches: p.total,
    done: p.done,
    total: p.total,
    modelsDone: p.modelsDone ?? 0,
    etaSeconds: null,
    backend,
    message,
  };
}

/** Makes sure the embeddings exist (embedding what is missing), reporting progress as training progress. */
async function embeddingsFor(project: Project, o: PretrainedCommon, folds: number): Promise<Embeddings> {
  return ensureEmbeddings(project, {
    backbone: o.backbone,
    backend: o.config.backend,
    workers: o.config.workers,
    signal: o.signal,
    onProgress: (p) =>
      o.onProgress?.(progress({ folds, done: p.done, total: p.total }, p.backend, p.message)),
  });
}

/** Runs logistic-regression jobs on workers that load the embedding matrix; resolves with each job's result. */
async function runLogisticJobs(
  project: Project,
  embeddings: Embeddings,
  jobs: LogisticJob[],
  o: PretrainedCommon,
  onResult: (job: LogisticJob, probs: Float32Array, C: number, notes: string[]) => void,
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'relabel-logistic-'));
  try {
    const matrixPath = join(dir, 'embeddings');
    writeEmbeddingMatrix(project, embeddings, matrixPath);
    await runFeatureJobs({
      init: { type: 'init-logistic', matrixPath },
      jobs,
      workers: o.config.workers,
      signal: o.signal,
      onResult: (job, r) => {
        if (r.type !== 'fitted' || job.type !== 'logistic')
          throw new Error('unexpected logistic-regression result');
        onResult(job, decodeFloat32(r.probs), r.C, r.notes);
      },
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const job = (
  id: number,
  seed: number,
  train: Int32Array,
  trainLabels: Int32Array,
  predict: Int32Array,
  K: number,
  classWeights: boolean,
): LogisticJob => ({
  type: 'logistic',
  id,
  seed,
  trainIndices: encodeArray(train),
  trainLabels: encodeArray(trainLabels),
  predictIndices: encodeArray(predict),
  numClasses: K,
  classWeights,
});

const describe = (e: Embeddings) => [`backbone: ${e.label}, ${e.dim} features per image`, ...e.notes];

export interface PretrainedCvOptions extends PretrainedCommon {
  /** Samples taking part, and the label of every sample of the dataset. */
  include: Int32Array;
  labels: Int32Array;
  doneFolds: StoredFold[];
  onFold: (f: FoldResult) => void;
}

/**
 * `--model pretrained` cross-validation: embeddings of every image (computed once per dataset and backbone),
 * then per fold a multinomial logistic regression on standardised embeddings, its C chosen by inner
 * cross-validation on that fold's training rows. The folds are the other models' (stratifiedKFold over the
 * included samples' labels with the run's seed), so runs of different models can be compared and averaged.
 */
export async function crossValidatePretrained(
  project: Project,
  o: PretrainedCvOptions,
): Promise<{ oof: Float32Array; backend: BackendName; notes: string[] }> {
  const { config, numClasses: K } = o;
  validateTrainConfig(config);
  const k = config.folds;
  const n = o.labels.length;
  const includedLabels = Int32Array.from(o.include, (s) => o.labels[s]);
  const foldOf = stratifiedKFold(includedLabels, k, config.seed);
  const tests = Array.from({ length: k }, () => [] as number[]);
  o.include.forEach((s, i) => tests[foldOf[i]].push(s));
  const testSets = tests.map((t) => Int32Array.from(t.sort((a, b) => a - b)));

  const oof = new Float32Array(n * K).fill(Number.NaN);
  const fill = (test: Int32Array, probs: Float32Array) =>
    test.forEach((s, row) => oof.set(probs.subarray(row * K, row * K + K), s * K));
  const done = new Set<number>();
  for (const f of o.doneFolds) {
    const expected = testSets[f.fold];
    if (
      !expected ||
      expected.length !== f.testIndices.length ||
      expected.some((s, i) => s !== f.testIndices[i])
    )
      throw new Error(`cannot resume: the samples of stored fold ${f.fold + 1} differ from this split`);
    fill(f.testIndices, f.probs);
    done.add(f.fold);
  }

  const embeddings = await embeddingsFor(project, o, k);
  const notes = describe(embeddings);
  if (done.size > 0) notes.push(`resumed: ${done.size} of ${k} folds were already done`);
  const jobs: LogisticJob[] = [];
  for (let f = 0; f < k; f++) {
    if (done.has(f)) continue;
    const train = o.include.filter((_, i) => foldOf[i] !== f);
    jobs.push(
      job(
        f,
        deriveSeed(config.seed, 100 + f),
        train,
        Int32Array.from(train, (s) => o.labels[s]),
        testSets[f],
        K,
        config.classWeights,
      ),
    );
  }
  const backend: BackendName = embeddings.backend ?? 'wasm';
  if (jobs.length === 0) return { oof, backend, notes };
  const started = Date.now();
  let fitted = 0;
  o.onProgress?.(
    progress(
      { folds: k, done: 0, total: jobs.length },
      backend,
      `fitting ${jobs.length} logistic regression(s)`,
    ),
  );
  await runLogisticJobs(project, embeddings, jobs, o, (j, probs, _C, jobNotes) => {
    const fold = j.id;
    fill(testSets[fold], probs);
    notes.push(...jobNotes.map((m) => `fold ${fold + 1}: ${m}`));
    o.onFold({ fold, testIndices: testSets[fold], probs, curve: [], backend });
    fitted++;
    o.onProgress?.(
      progress(
        { fold, folds: k, done: fitted, total: jobs.length, modelsDone: fitted },
        backend,
        `fold ${fold + 1}/${k} done`,
      ),
    );
  });
  notes.push(`logistic regression cross-validation took ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { oof, backend, notes };
}

export interface PretrainedHoldoutOptions extends PretrainedCommon {
  trainIndices: Int32Array;
  trainLabels: Int32Array;
  testIndices: Int32Array;
  testLabels: Int32Array;
}

/** `--model pretrained` on a hold-out split: C by inner cross-validation on the training images, scored on the test images. */
export async function trainAndEvaluatePretrained(project: Project, o: PretrainedHoldoutOptions) {
  validateTrainConfig(o.config);
  const embeddings = await embeddingsFor(project, o, 1);
  let probs: Float32Array | null = null;
  const notes = describe(embeddings);
  await runLogisticJobs(
    project,
    embeddings,
    [
      job(
        0,
        deriveSeed(o.config.seed, 99),
        o.trainIndices,
        o.trainLabels,
        o.testIndices,
        o.numClasses,
        o.config.classWeights,
      ),
    ],
    { ...o, config: { ...o.config, workers: 1 } },
    (_j, p, _C, jobNotes) => {
      probs = p;
      notes.push(...jobNotes);
    },
  );
  const p = probs as Float32Array | null;
  if (!p) throw new Error('the logistic regression returned no probabilities');
  return {
    metrics: computeMetrics(o.testLabels, argmaxRows(p, o.numClasses), o.numClasses),
    probs: p,
    curve: [],
    backend: embeddings.backend ?? ('wasm' as BackendName),
    notes,
  };
}
