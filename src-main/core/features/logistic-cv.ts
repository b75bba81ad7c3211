import { stratifiedKFold, stratifiedSplit } from '../train/split';
import { classWeights as balancedWeights } from '../train/trainer';
import type { EmbeddingMatrix } from './linalg';
import { fitLogistic, fitStandardizer, predictProba, type LogisticModel } from './logistic';

/**
 * Candidate inverse regularisation strengths (scikit-learn's C), strongest first: half-decade steps over the
 * range where measured label-issue rankings on embeddings are good (bench/models.ts).
 */
export const C_GRID: readonly number[] = [1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1, 3e-1, 1];
/** Used when a class is too small for inner cross-validation. */
export const FALLBACK_C = 1e-3;
export const INNER_FOLDS = 3;
/**
 * Inner cross-validation runs on at most this many (stratified, seeded) training rows: it only ranks the
 * candidate C values, and on 100,000 images it would otherwise cost more than the final fits.
 */
export const INNER_MAX_ROWS = 10_000;
/** Convergence tolerance (largest gradient component of the averaged objective) of the final fits… */
export const TOLERANCE = 1e-5;
/** …and of the inner fits, which only have to rank the candidates. */
export const INNER_TOLERANCE = 1e-4;
/** The C path stops once the mean validation loss has risen this many steps past its best (it is unimodal). */
const PATIENCE = 2;

export interface InnerCvResult {
  C: number;
  /** Mean of the inner models' weights at the chosen C: a warm start for the final fit. */
  init?: { weights: Float64Array; bias: Float64Array };
  /** Mean validation log-loss per C_GRID entry (NaN where inner CV could not run). */
  losses: number[];
  note: string;
}

/** Mean log-loss (weighted by `weights[label]` when given) of probabilities against labels. */
function logLoss(probs: Float64Array, labels: Int32Array, K: number, weights?: Float64Array): number {
  let sum = 0;
  let total = 0;
  for (let r = 0; r < labels.length; r++) {
    const w = weights ? weights[labels[r]] : 1;
    sum -= w * Math.log(Math.max(1e-15, probs[r * K + labels[r]]));
    total += w;
  }
  return sum / total;
}

const weightsFor = (labels: Int32Array, K: number, on: boolean) =>
  on ? Float64Array.from(balancedWeights(labels, K)) : undefined;

/**
 * Chooses C by K-fold cross-validation on the given training rows only (the held-out fold of the outer
 * cross-validation is never seen): for each inner fold, fits the C path from strongest to weakest
 * (warm-starting each fit from the previous) on standardisation fitted to the inner training rows, and
 * scores the inner validation rows by log-loss. The C with the lowest mean loss wins (ties: the stronger
 * regularisation); the path stops once the loss has risen for PATIENCE steps past its best.
 */
export function selectC(
  m: EmbeddingMatrix,
  rows: Int32Array,
  labels: Int32Array,
  K: number,
  seed: number,
  useClassWeights: boolean,
): InnerCvResult {
  let sampleRows = rows;
  let sampleLabels = labels;
  if (rows.length > INNER_MAX_ROWS) {
    const pick = stratifiedSplit(labels, INNER_MAX_ROWS / rows.length, seed).test;
    sampleRows = Int32Array.from(pick, (p) => rows[p]);
    sampleLabels = Int32Array.from(pick, (p) => labels[p]);
  }
  const counts = new Array<number>(K).fill(0);
  sampleLabels.forEach((l) => counts[l]++);
  const smallest = Math.min(...counts.filter((c) => c > 0));
  const folds = Math.min(INNER_FOLDS, smallest);
  if (folds < 2) {
    return {
      C: FALLBACK_C,
      losses: C_GRID.map(() => Number.NaN),
      note: `C = ${FALLBACK_C} (a class has a single training image: no inner cross-validation)`,
    };
  }
  const foldOf = stratifiedKFold(sampleLabels, folds, seed);
  const inner = Array.from({ length: folds }, (_, f) => {
    const fitPos: number[] = [];
    const valPos: number[] = [];
    foldOf.forEach((fold, p) => (fold === f ? valPos : fitPos).push(p));
    const fitLabels = Int32Array.from(fitPos, (p) => sampleLabels[p]);
    const fitRows = Int32Array.from(fitPos, (p) => sampleRows[p]);
    return {
      fitRows,
      fitLabels,
      valRows: Int32Array.from(valPos, (p) => sampleRows[p]),
      valLabels: Int32Array.from(valPos, (p) => sampleLabels[p]),
      standardizer: fitStandardizer(m, fitRows),
      weights: weightsFor(fitLabels, K, useClassWeights),
      model: undefined as LogisticModel | undefined,
    };
  });
  // Walk the C path from strongest to weakest, all inner folds at each C (each warm-started from its previous C).
  const losses = C_GRID.map(() => Number.NaN);
  const models: LogisticModel[][] = [];
  let best = 0;
  for (let i = 0; i < C_GRID.length; i++) {
    let loss = 0;
    models[i] = inner.map((f) => {
      const { model } = fitLogistic(m, {
        rows: f.fitRows,
        labels: f.fitLabels,
        numClasses: K,
        C: C_GRID[i],
        classWeights: f.weights,
        standardizer: f.standardizer,
        init: f.model,
        tolerance: INNER_TOLERANCE,
      });
      f.model = model;
      loss += logLoss(predictProba(m, model, f.valRows), f.valLabels, K, f.weights) / folds;
      return model;
    });
    losses[i] = loss;
    if (loss < losses[best] - 1e-12) best = i;
    else if (i - best >= PATIENCE) break;
  }
  const init = {
    weights: new Float64Array(K * m.dim),
    bias: new Float64Array(K),
  };
  for (const model of models[best]) {
    model.weights.forEach((w, j) => (init.weights[j] += w / folds));
    model.bias.forEach((b, j) => (init.bias[j] += b / folds));
  }
  const sub = sampleRows.length < rows.length ? ` on a stratified sample of ${sampleRows.length} rows` : '';
  return {
    C: C_GRID[best],
    init,
    losses,
    note: `C = ${C_GRID[best]} chosen by ${folds}-fold inner cross-validation${sub} (validation log-loss ${losses[best].toFixed(4)})`,
  };
}

export interface FitPredictOptions {
  trainIndices: Int32Array;
  trainLabels: Int32Array;
  predictIndices: Int32Array;
  numClasses: number;
  seed: number;
  classWeights: boolean;
}

/** One model of the cross-validation: C from inner CV on the training rows, then fit on all of them. */
export function fitAndPredict(
  m: EmbeddingMatrix,
  o: FitPredictOptions,
): { probs: Float32Array; C: number; notes: string[] } {
  const K = o.numClasses;
  const inner = selectC(m, o.trainIndices, o.trainLabels, K, o.seed, o.classWeights);
  const standardizer = fitStandardizer(m, o.trainIndices);
  const fit = fitLogistic(m, {
    rows: o.trainIndices,
    labels: o.trainLabels,
    numClasses: K,
    C: inner.C,
    classWeights: weightsFor(o.trainLabels, K, o.classWeights),
    standardizer,
    init: inner.init,
    tolerance: TOLERANCE,
  });
  const notes = [inner.note];
  if (!fit.converged)
    notes.push(`logistic regression stopped after ${fit.iterations} iterations before converging`);
  return { probs: Float32Array.from(predictProba(m, fit.model, o.predictIndices)), C: inner.C, notes };
}
