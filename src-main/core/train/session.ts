import type { Optimizer, Tensor, Variable } from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { TrainConfig } from '../../../src-shared/domain';
import type { ImageTransform } from './augment';
import { BatchBuilder } from './batches';
import { buildModel, type InputShape } from './models';
import { serializeModel, type SerializedModel } from './model-weights';
import type { PixelSource } from './pixel-source';
import type { Tf } from './tf';

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

export const nextTick = () => new Promise<void>((resolve) => setImmediate(resolve));

export interface SessionOptions {
  tf: Tf;
  pixels: PixelSource;
  numClasses: number;
  config: TrainConfig;
  /** Seeds the initial weights. */
  seed: number;
  /** Training samples per epoch (caps the batch size). */
  fitCount: number;
  signal?: AbortSignal;
}

/** Loss and correct-prediction count of one training batch, already read back. */
export interface BatchOutcome {
  loss: number;
  correct: number;
}

/**
 * One model being trained: the network, its Adam optimizer and the batch buffers. Owns the batch
 * sizes, which halve on an out-of-memory error (with a note) so training carries on.
 */
export class TrainingSession {
  readonly notes: string[] = [];
  private readonly tf: Tf;
  private readonly model: LayersModel;
  private readonly variables: Variable[];
  private readonly optimizer: Optimizer;
  private readonly builder: BatchBuilder;
  private readonly numClasses: number;
  private readonly input: InputShape;
  private batch: number;
  private evalBatch: number;

  constructor(private readonly o: SessionOptions) {
    const { tf, pixels, config } = o;
    this.tf = tf;
    this.numClasses = o.numClasses;
    this.input = { height: pixels.height, width: pixels.width, channels: pixels.channels };
    this.model = buildModel(tf, config.model, this.input, o.numClasses, o.seed);
    this.variables = this.model.trainableWeights.map((w) => w.read() as Variable);
    this.optimizer = tf.train.adam(config.learningRate);
    this.batch = Math.max(1, Math.min(config.batchSize, o.fitCount));
    this.evalBatch = Math.max(this.batch, 256);
    this.builder = new BatchBuilder(tf, pixels, o.numClasses, this.evalBatch);
  }

  get batchSize(): number {
    return this.batch;
  }

  checkAbort(): void {
    if (this.o.signal?.aborted) throw new AbortError();
  }

  /**
   * One Adam step on `samples[from..from+count)` with class-weighted cross-entropy; null when the
   * batch ran out of memory and the batch size was halved (the caller retries from `from`).
   */
  async trainBatch(
    samples: Int32Array,
    labels: Int32Array,
    from: number,
    count: number,
    classWeight: Float32Array,
    transforms: readonly ImageTransform[] | null,
  ): Promise<BatchOutcome | null> {
    const { tf } = this;
    let step: { loss: Tensor; correct: Tensor };
    try {
      step = this.step(samples, labels, from, count, classWeight, transforms);
    } catch (e) {
      if (!isOutOfMemory(e) || this.batch === 1) throw e;
      this.batch = Math.max(1, this.batch >> 1);
      this.evalBatch = Math.min(this.evalBatch, Math.max(this.batch, 1));
      this.notes.push(
        `out of memory at batch size ${this.batch * 2}; continuing with batch size ${this.batch}`,
      );
      return null;
    }
    const [l, c] = await Promise.all([step.loss.data(), step.correct.data()]);
    tf.dispose([step.loss, step.correct]);
    return { loss: l[0], correct: c[0] };
  }

  private step(
    samples: Int32Array,
    labels: Int32Array,
    from: number,
    count: number,
    classWeight: Float32Array,
    transforms: readonly ImageTransform[] | null,
  ): { loss: Tensor; correct: Tensor } {
    const { tf, model, builder } = this;
    let correct: Tensor | null = null;
    try {
      const loss = tf.tidy(() => {
        const x = builder.images(samples, from, count, transforms);
        const { y, w } = builder.targets(labels, from, count, classWeight);
        const { value, grads } = tf.variableGrads(() => {
          const p = model.apply(x, { training: true }) as Tensor;
          const ce = tf.neg(tf.sum(tf.mul(y, tf.log(tf.clipByValue(p, EPSILON, 1))), -1));
          correct = tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(p, -1), tf.argMax(y, -1)), 'float32')));
          return tf.mean(tf.mul(ce, w)) as never;
        }, this.variables);
        // applyGradients is typed for variables but takes the gradient tensors variableGrads returns.
        this.optimizer.applyGradients(grads as Record<string, Variable>);
        return value;
      });
      return { loss, correct: correct! };
    } catch (e) {
      (correct as Tensor | null)?.dispose();
      throw e;
    }
  }

  /** Class probabilities of `samples` (n × K, row-major), in batches that halve on out-of-memory. */
  async predict(samples: Int32Array): Promise<Float32Array> {
    const { tf, model, builder } = this;
    const k = this.numClasses;
    const out = new Float32Array(samples.length * k);
    for (let from = 0; from < samples.length;) {
      this.checkAbort();
      const count = Math.min(this.evalBatch, samples.length - from);
      let p: Tensor;
      try {
        p = tf.tidy(
          () => model.predict(builder.images(samples, from, count), { batchSize: count }) as Tensor,
        );
      } catch (e) {
        if (!isOutOfMemory(e) || this.evalBatch === 1) throw e;
        this.evalBatch = Math.max(1, this.evalBatch >> 1);
        this.notes.push(`out of memory while predicting; prediction batch reduced to ${this.evalBatch}`);
        continue;
      }
      out.set(await p.data(), from * k);
      p.dispose();
      from += count;
      await nextTick();
    }
    return out;
  }

  /** A copy of the current weights (the caller disposes it with `this.release`). */
  snapshot(): Tensor[] {
    return this.tf.tidy(() => this.model.getWeights().map((w) => w.clone()));
  }

  restore(weights: Tensor[]): void {
    this.model.setWeights(weights);
  }

  release(weights: Tensor[]): void {
    this.tf.dispose(weights);
  }

  /**
   * The current weights with what is needed to rebuild the model (kept so predictions can be explained),
   * and the temperature its probabilities were scaled by when it is not 1.
   */
  async serialize(temperature = 1): Promise<SerializedModel> {
    const kept = await serializeModel(this.model, this.o.config.model, this.input, this.numClasses);
    if (temperature !== 1) kept.spec.temperature = temperature;
    return kept;
  }

  dispose(): void {
    this.optimizer.dispose();
    try {
      this.model.dispose();
    } catch {
      // a model disposed twice (after an error mid-build) has nothing left to free
    }
  }
}

/** Mean cross-entropy and accuracy of probability rows against labels. */
export function scoreProbabilities(
  probs: Float32Array,
  labels: Int32Array,
  k: number,
): { valLoss: number; valAccuracy: number } {
  let loss = 0;
  let correct = 0;
  for (let i = 0; i < labels.length; i++) {
    const row = probs.subarray(i * k, (i + 1) * k);
    loss -= Math.log(Math.min(1, Math.max(EPSILON, row[labels[i]])));
    let best = 0;
    for (let c = 1; c < k; c++) if (row[c] > row[best]) best = c;
    if (best === labels[i]) correct++;
  }
  return { valLoss: loss / labels.length, valAccuracy: correct / labels.length };
}
