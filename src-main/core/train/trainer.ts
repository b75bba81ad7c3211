import type { Tensor, Variable } from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { EpochPoint, TrainConfig } from '../../../src-shared/domain';
import { BatchBuilder } from './batches';
import { buildModel } from './models';
import { serializeModel, type SerializedModel } from './model-weights';
import type { PixelSource } from './pixel-source';
import { deriveSeed, mulberry32, shuffleInPlace } from '../random/seeded';
import { stratifiedSplit } from './split';
import type { Tf } from './tf';

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
  /** predictIndices.length × numClasses, row-major. */
  probs: Float32Array;
  curve: EpochPoint[];
  /** Epoch whose weights were kept (the best validation loss when early stopping is active). */
  bestEpoch: number;
  notes: string[];
  /** The trained weights (the ones that produced `probs`), kept so predictions can be explained later. */
  model: SerializedModel;
}

const EPSILON = 1e-7;

export class AbortError extends Error {
  constructor(message = 'training cancelled') {
    super(message);
    this.name = 'AbortError';
  }
}

export function isOutOfMemory(e: unknown): boolean {
  return /out of memory|\bOOM\b|failed to allocate|cannot enlarge memory|maximum memory size|allocation failed|Array buffer allocation/i.test(
    String((e as Error)?.message ?? e),
  );
}

const nextTick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Class weights n / (K·count_c) over the K classes present, so the weights average to 1 per sample. */
export function classWeights(labels: ArrayLike<number>, numClasses: number): Float32Array {
  const counts = new Float64Array(numClasses);
  for (let i = 0; i < labels.length; i++) counts[labels[i]]++;
  const present = counts.filter((c) => c > 0).length;
  return Float32Array.from(counts, (c) => (c > 0 ? labels.length / (present * c) : 0));
}

function checkLabels(labels: Int32Array, numClasses: number): void {
  labels.forEach((l, i) => {
    if (!Number.isInteger(l) || l < 0 || l >= numClasses) {
      throw new Error(`training label at position ${i} is ${l}; expected 0..${numClasses - 1}`);
    }
  });
}

/**
 * Trains one model (Adam, weighted cross-entropy, early stopping with best weights restored) on the
 * given samples and returns its class probabilities for `predictIndices`. Deterministic for a given
 * seed on a given backend. An out-of-memory batch halves the batch size and is retried.
 */
export async function trainModel(o: TrainModelOptions): Promise<TrainModelResult> {
  const { tf, pixels, numClasses, config, signal } = o;
  if (o.trainIndices.length !== o.trainLabels.length) {
    throw new Error(`${o.trainIndices.length} training samples but ${o.trainLabels.length} labels`);
  }
  if (o.trainIndices.length === 0) throw new Error('no training samples');
  checkLabels(o.trainLabels, numClasses);
  const notes: string[] = [];
  const checkAbort = () => {
    if (signal?.aborted) throw new AbortError();
  };

  // Validation split for early stopping (stratified on the training labels).
  const split =
    config.validationFraction > 0
      ? stratifiedSplit(o.trainLabels, config.validationFraction, deriveSeed(o.seed, 1))
      : { train: Int32Array.from(o.trainLabels.keys()), test: new Int32Array(0) };
  const fitSamples = Int32Array.from(split.train, (p) => o.trainIndices[p]);
  const fitLabels = Int32Array.from(split.train, (p) => o.trainLabels[p]);
  const valSamples = Int32Array.from(split.test, (p) => o.trainIndices[p]);
  const valLabels = Int32Array.from(split.test, (p) => o.trainLabels[p]);
  const weights = config.classWeights
    ? classWeights(fitLabels, numClasses)
    : new Float32Array(numClasses).fill(1);

  const input = { height: pixels.height, width: pixels.width, channels: pixels.channels };
  const model = buildModel(tf, config.model, input, numClasses, deriveSeed(o.seed, 2));
  const variables = model.trainableWeights.map((w) => w.read() as Variable);
  const optimizer = tf.train.adam(config.learningRate);
  let batchSize = Math.max(1, Math.min(config.batchSize, fitSamples.length));
  let evalBatch = Math.max(batchSize, 256);
  const builder = new BatchBuilder(tf, pixels, numClasses, Math.max(batchSize, evalBatch));
  const rng = mulberry32(deriveSeed(o.seed, 3));
  const order = Int32Array.from(fitSamples.keys());
  const batchSamples = new Int32Array(fitSamples.length);
  const batchLabels = new Int32Array(fitSamples.length);

  const trainStep = (from: number, count: number): { loss: Tensor; correct: Tensor } => {
    let correct: Tensor | null = null;
    try {
      const loss = tf.tidy(() => {
        const flips = config.augment ? Array.from({ length: count }, () => rng() < 0.5) : null;
        const x = builder.images(batchSamples, from, count, flips ? (i) => flips[i] : undefined);
        const { y, w } = builder.targets(batchLabels, from, count, weights);
        const { value, grads } = tf.variableGrads(() => {
          const p = model.apply(x, { training: true }) as Tensor;
          const ce = tf.neg(tf.sum(tf.mul(y, tf.log(tf.clipByValue(p, EPSILON, 1))), -1));
          correct = tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(p, -1), tf.argMax(y, -1)), 'float32')));
          return tf.mean(tf.mul(ce, w)) as never;
        }, variables);
        // applyGradients is typed for variables but takes the gradient tensors variableGrads returns.
        optimizer.applyGradients(grads as Record<string, Variable>);
        return value;
      });
      return { loss, correct: correct! };
    } catch (e) {
      (correct as Tensor | null)?.dispose();
      throw e;
    }
  };

  /** Probabilities of `samples` in batches (halving the batch on out-of-memory). */
  const predict = async (samples: Int32Array): Promise<Float32Array> => {
    const out = new Float32Array(samples.length * numClasses);
    for (let from = 0; from < samples.length;) {
      checkAbort();
      const count = Math.min(evalBatch, samples.length - from);
      let p: Tensor;
      try {
        p = tf.tidy(
          () => model.predict(builder.images(samples, from, count), { batchSize: count }) as Tensor,
        );
      } catch (e) {
        if (!isOutOfMemory(e) || evalBatch === 1) throw e;
        evalBatch = Math.max(1, evalBatch >> 1);
        notes.push(`out of memory while predicting; prediction batch reduced to ${evalBatch}`);
        continue;
      }
      out.set(await p.data(), from * numClasses);
      p.dispose();
      from += count;
      await nextTick();
    }
    return out;
  };

  const evaluate = (probs: Float32Array, labels: Int32Array) => {
    let loss = 0;
    let correct = 0;
    for (let i = 0; i < labels.length; i++) {
      const row = probs.subarray(i * numClasses, (i + 1) * numClasses);
      loss -= Math.log(Math.min(1, Math.max(EPSILON, row[labels[i]])));
      let best = 0;
      for (let c = 1; c < numClasses; c++) if (row[c] > row[best]) best = c;
      if (best === labels[i]) correct++;
    }
    return { valLoss: loss / labels.length, valAccuracy: correct / labels.length };
  };

  const curve: EpochPoint[] = [];
  let best: { loss: number; epoch: number; weights: Tensor[] } | null = null;
  let sinceBest = 0;
  try {
    for (let epoch = 1; epoch <= config.epochs; epoch++) {
      shuffleInPlace(rng, order);
      order.forEach((p, i) => {
        batchSamples[i] = fitSamples[p];
        batchLabels[i] = fitLabels[p];
      });
      let lossSum = 0;
      let correctSum = 0;
      let batch = 0;
      for (let from = 0; from < order.length;) {
        checkAbort();
        const count = Math.min(batchSize, order.length - from);
        let step: { loss: Tensor; correct: Tensor };
        try {
          step = trainStep(from, count);
        } catch (e) {
          if (!isOutOfMemory(e) || batchSize === 1) throw e;
          batchSize = Math.max(1, batchSize >> 1);
          evalBatch = Math.min(evalBatch, Math.max(batchSize, 1));
          notes.push(`out of memory at batch size ${batchSize * 2}; continuing with batch size ${batchSize}`);
          continue;
        }
        const [l, c] = await Promise.all([step.loss.data(), step.correct.data()]);
        tf.dispose([step.loss, step.correct]);
        if (!Number.isFinite(l[0]))
          throw new Error(`training diverged (loss ${l[0]}) at epoch ${epoch}; lower the learning rate`);
        lossSum += l[0] * count;
        correctSum += c[0];
        from += count;
        o.onBatch?.(epoch, ++batch, Math.ceil(order.length / batchSize));
        await nextTick();
      }
      const point: EpochPoint = { epoch, loss: lossSum / order.length, accuracy: correctSum / order.length };
      if (valSamples.length > 0) Object.assign(point, evaluate(await predict(valSamples), valLabels));
      curve.push(point);
      o.onEpoch?.(point);
      if (valSamples.length === 0) continue;
      if (!best || point.valLoss! < best.loss) {
        const snapshot = tf.tidy(() => model.getWeights().map((w) => w.clone()));
        if (best) tf.dispose(best.weights);
        best = { loss: point.valLoss!, epoch, weights: snapshot };
        sinceBest = 0;
      } else if (++sinceBest >= config.patience) {
        break;
      }
    }
    if (best && best.epoch !== curve.length) model.setWeights(best.weights);
    const probs = await predict(o.predictIndices);
    const kept = await serializeModel(model, config.model, input, numClasses);
    return { probs, curve, bestEpoch: best?.epoch ?? curve.length, notes, model: kept };
  } finally {
    if (best) tf.dispose(best.weights);
    optimizer.dispose();
    disposeModel(model);
  }
}

function disposeModel(model: LayersModel): void {
  try {
    model.dispose();
  } catch {
    // a model disposed twice (after an error mid-build) has nothing left to free
  }
}
