import type { EpochPoint, TrainConfig } from '../../../src-shared/domain';
import { drawTransforms } from './augment';
import { applyTemperature, fitTemperature } from './calibration';
import { EarlyStopping } from './early-stopping';
import type { SerializedModel } from './model-weights';
import type { PixelSource } from './pixel-source';
import { deriveSeed, mulberry32, shuffleInPlace, type Rng } from '../random/seeded';
import { nextTick, scoreProbabilities, TrainingSession } from './session';
import { stratifiedSplit } from './split';
import type { Tf } from './tf';

export { AbortError, isOutOfMemory } from './session';

export interface TrainModelOptions {
  tf: Tf;
  pixels: PixelSource;
  numClasses: number;
  /** Samples to train on and their labels (same order). */
  trainIndices: Int32Array;
  trainLabels: Int32Array;
  /** Samples whose class probabilities are returned. */
  predictIndices: Int32Array;
  config: TrainConfig;
  /** Seeds initialisation, the validation split, shuffling and augmentation of this model. */
  seed: number;
  onBatch?: (epoch: number, batch: number, batches: number) => void;
  onEpoch?: (point: EpochPoint) => void;
  signal?: AbortSignal;
}

export interface TrainModelResult {
  /** predictIndices.length × numClasses, row-major (temperature-scaled when calibration is on). */
  probs: Float32Array;
  curve: EpochPoint[];
  /** Epoch whose weights were kept (the best validation loss when early stopping is active). */
  bestEpoch: number;
  /** Temperature fitted on the validation split and applied to `probs`; 1 when not calibrated. */
  temperature: number;
  /** The training samples held out for early stopping and calibration (ascending order of the split). */
  validationIndices: Int32Array;
  notes: string[];
  /** The trained weights (those that produced `probs`, before temperature scaling), kept so predictions can be explained later. */
  model: SerializedModel;
}

/** Samples and labels of one part of the training set. */
interface LabelledSet {
  samples: Int32Array;
  labels: Int32Array;
}

/** Fewest validation images per class for a temperature fit; with fewer, probabilities stay as they are. */
export const MIN_CALIBRATION_PER_CLASS = 5;

/** Class weights n / (K·count_c) over the K classes present, so the weights average to 1 per sample. */
export function classWeights(labels: ArrayLike<number>, numClasses: number): Float32Array {
  const counts = new Float64Array(numClasses);
  for (let i = 0; i < labels.length; i++) counts[labels[i]]++;
  const present = counts.filter((c) => c > 0).length;
  return Float32Array.from(counts, (c) => (c > 0 ? labels.length / (present * c) : 0));
}

function checkTrainingInput(o: TrainModelOptions): void {
  if (o.trainIndices.length !== o.trainLabels.length) {
    throw new Error(`${o.trainIndices.length} training samples but ${o.trainLabels.length} labels`);
  }
  if (o.trainIndices.length === 0) throw new Error('no training samples');
  o.trainLabels.forEach((l, i) => {
    if (!Number.isInteger(l) || l < 0 || l >= o.numClasses) {
      throw new Error(`training label at position ${i} is ${l}; expected 0..${o.numClasses - 1}`);
    }
  });
}

/** The stratified validation split (early stopping and calibration) and the rest, which is fitted. */
function splitForValidation(o: TrainModelOptions): { fit: LabelledSet; validation: LabelledSet } {
  const { validationFraction } = o.config;
  const split =
    validationFraction > 0
      ? stratifiedSplit(o.trainLabels, validationFraction, deriveSeed(o.seed, 1))
      : { train: Int32Array.from(o.trainLabels.keys()), test: new Int32Array(0) };
  const part = (positions: Int32Array): LabelledSet => ({
    samples: Int32Array.from(positions, (p) => o.trainIndices[p]),
    labels: Int32Array.from(positions, (p) => o.trainLabels[p]),
  });
  return { fit: part(split.train), validation: part(split.test) };
}

/**
 * One pass over the fit set in a new order (`order`, positions in the fit set, is shuffled further in
 * place); returns the epoch's mean loss and accuracy.
 */
async function trainEpoch(
  session: TrainingSession,
  fit: LabelledSet,
  order: Int32Array,
  epoch: number,
  rng: Rng,
  weights: Float32Array,
  o: TrainModelOptions,
): Promise<EpochPoint> {
  const n = fit.samples.length;
  shuffleInPlace(rng, order);
  const samples = Int32Array.from(order, (p) => fit.samples[p]);
  const labels = Int32Array.from(order, (p) => fit.labels[p]);
  const { height, width } = o.pixels;
  let lossSum = 0;
  let correctSum = 0;
  let batch = 0;
  for (let from = 0; from < n;) {
    session.checkAbort();
    const count = Math.min(session.batchSize, n - from);
    const transforms = drawTransforms(o.config.augment, rng, count, height, width);
    const outcome = await session.trainBatch(samples, labels, from, count, weights, transforms);
    if (!outcome) continue; // out of memory: retry the same samples with the halved batch
    if (!Number.isFinite(outcome.loss))
      throw new Error(`training diverged (loss ${outcome.loss}) at epoch ${epoch}; lower the learning rate`);
    lossSum += outcome.loss * count;
    correctSum += outcome.correct;
    from += count;
    o.onBatch?.(epoch, ++batch, Math.ceil(n / session.batchSize));
    await nextTick();
  }
  return { epoch, loss: lossSum / n, accuracy: correctSum / n };
}

/** Epochs until the budget or early stopping; leaves the best epoch's weights in the session. */
async function fitWithEarlyStopping(
  session: TrainingSession,
  sets: { fit: LabelledSet; validation: LabelledSet },
  o: TrainModelOptions,
): Promise<{ curve: EpochPoint[]; bestEpoch: number }> {
  const { config, numClasses } = o;
  const weights = config.classWeights
    ? classWeights(sets.fit.labels, numClasses)
    : new Float32Array(numClasses).fill(1);
  const rng = mulberry32(deriveSeed(o.seed, 3));
  const stopping = new EarlyStopping(
    config.patience,
    () => session.snapshot(),
    (w) => session.release(w),
  );
  const order = Int32Array.from(sets.fit.samples.keys());
  const curve: EpochPoint[] = [];
  try {
    for (let epoch = 1; epoch <= config.epochs; epoch++) {
      const point = await trainEpoch(session, sets.fit, order, epoch, rng, weights, o);
      if (sets.validation.samples.length > 0) {
        const probs = await session.predict(sets.validation.samples);
        Object.assign(point, scoreProbabilities(probs, sets.validation.labels, numClasses));
      }
      curve.push(point);
      o.onEpoch?.(point);
      if (stopping.observe(point)) break;
    }
    const best = stopping.weightsToRestore(curve.length);
    if (best) session.restore(best);
    return { curve, bestEpoch: stopping.bestEpoch ?? curve.length };
  } finally {
    stopping.dispose();
  }
}

/**
 * The temperature that calibrates the model on its validation split (never on the samples it will
 * predict); 1 when calibration is off or the split is too small to fit one.
 */
async function calibrate(
  session: TrainingSession,
  validation: LabelledSet,
  o: TrainModelOptions,
): Promise<number> {
  if (o.config.calibration !== 'temperature') return 1;
  const needed = MIN_CALIBRATION_PER_CLASS * o.numClasses;
  if (validation.samples.length < needed) {
    session.notes.push(
      `not calibrated: ${validation.samples.length} validation images, temperature scaling needs ${needed}`,
    );
    return 1;
  }
  const probs = await session.predict(validation.samples);
  return fitTemperature(probs, validation.labels, o.numClasses);
}

/**
 * Trains one model (Adam, weighted cross-entropy, optional augmentation, early stopping with best
 * weights restored), calibrates it on its validation split and returns its class probabilities for
 * `predictIndices`. Deterministic for a given seed on a given backend. An out-of-memory batch halves
 * the batch size and is retried.
 */
export async function trainModel(o: TrainModelOptions): Promise<TrainModelResult> {
  checkTrainingInput(o);
  const sets = splitForValidation(o);
  const session = new TrainingSession({
    tf: o.tf,
    pixels: o.pixels,
    numClasses: o.numClasses,
    config: o.config,
    seed: deriveSeed(o.seed, 2),
    fitCount: sets.fit.samples.length,
    signal: o.signal,
  });
  try {
    const { curve, bestEpoch } = await fitWithEarlyStopping(session, sets, o);
    const temperature = await calibrate(session, sets.validation, o);
    const raw = await session.predict(o.predictIndices);
    const probs = temperature === 1 ? raw : applyTemperature(raw, o.numClasses, temperature);
    return {
      probs,
      curve,
      bestEpoch,
      temperature,
      validationIndices: sets.validation.samples,
      notes: session.notes,
      model: await session.serialize(temperature),
    };
  } finally {
    session.dispose();
  }
}
