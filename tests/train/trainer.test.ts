import { beforeAll, describe, expect, it } from 'vitest';
import { AbortError, defaultTrainConfig, selectBackend, type Tf } from '../../src-main/core/train';
import { BatchBuilder } from '../../src-main/core/train/batches';
import { memoryPixelSource, type PixelSource } from '../../src-main/core/train/pixel-source';
import { applyTemperature, fitTemperature } from '../../src-main/core/train/calibration';
import { classWeights, trainModel, type TrainModelOptions } from '../../src-main/core/train/trainer';
import { syntheticDataset } from './synthetic';

let tf: Tf;
const data = syntheticDataset({ n: 240, size: 16, seed: 3 });
const pixels = memoryPixelSource(data.pixels, data);
const train = Int32Array.from({ length: 160 }, (_, i) => i);
const test = Int32Array.from({ length: 80 }, (_, i) => 160 + i);

const options = (over: Partial<TrainModelOptions> = {}): TrainModelOptions => ({
  tf,
  pixels,
  numClasses: 2,
  trainIndices: train,
  trainLabels: Int32Array.from(train, (i) => data.labels[i]),
  predictIndices: test,
  config: {
    ...defaultTrainConfig(),
    epochs: 4,
    batchSize: 32,
    validationFraction: 0.2,
    patience: 10,
    calibration: 'none',
  },
  seed: 5,
  ...over,
});

const accuracy = (probs: Float32Array) =>
  Array.from(test).filter((s, row) => (probs[row * 2 + 1] > probs[row * 2] ? 1 : 0) === data.labels[s])
    .length / test.length;

describe('trainModel (in process, wasm)', () => {
  beforeAll(async () => {
    tf = (await selectBackend('wasm')).tf;
  });

  it('learns separable classes, keeps the tensor count flat across epochs and frees everything', async () => {
    const before = tf.memory().numTensors;
    const counts: number[] = [];
    const r = await trainModel(options({ onEpoch: () => counts.push(tf.memory().numTensors) }));
    expect(accuracy(r.probs)).toBeGreaterThanOrEqual(0.9);
    expect(r.curve).toHaveLength(4);
    expect(r.curve[3].loss).toBeLessThan(r.curve[0].loss);
    expect(r.curve.every((p) => p.valLoss !== undefined && p.valAccuracy !== undefined)).toBe(true);
    // From epoch 2 on the live tensors are the model, the optimizer state and the best-weights snapshot.
    expect(new Set(counts.slice(1)).size).toBe(1);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('is reproducible: the same seed gives identical probabilities and curves', async () => {
    const config = { ...options().config, epochs: 2, augment: 'shift-flip' as const };
    const a = await trainModel(options({ config }));
    const b = await trainModel(options({ config }));
    expect(Array.from(a.probs)).toEqual(Array.from(b.probs));
    expect(a.curve).toEqual(b.curve);
    const c = await trainModel(options({ config, seed: 6 }));
    expect(Array.from(c.probs)).not.toEqual(Array.from(a.probs));
  });

  it('stops early when the validation loss stops improving and restores the best epoch', async () => {
    const r = await trainModel(
      options({ config: { ...options().config, epochs: 30, patience: 1, learningRate: 0.01 } }),
    );
    expect(r.curve.length).toBeLessThan(30);
    const best = r.curve.reduce((m, p) => (p.valLoss! < m.valLoss! ? p : m));
    expect(r.bestEpoch).toBe(best.epoch);
    expect(r.curve.length).toBe(r.bestEpoch + 1);
  });

  it('stops between batches when aborted and frees its tensors', async () => {
    const before = tf.memory().numTensors;
    const controller = new AbortController();
    let batches = 0;
    const run = trainModel(
      options({
        signal: controller.signal,
        onBatch: () => {
          if (++batches === 2) controller.abort();
        },
      }),
    );
    await expect(run).rejects.toBeInstanceOf(AbortError);
    expect(batches).toBe(2);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('halves the batch and carries on after an out-of-memory error', async () => {
    const before = tf.memory().numTensors;
    let reads = 0;
    const failing: PixelSource = {
      ...pixels,
      read: (index, dst, offset) => {
        if (++reads === 20) throw new Error('Cannot enlarge memory arrays (out of memory)');
        pixels.read(index, dst, offset);
      },
    };
    const r = await trainModel(options({ pixels: failing, config: { ...options().config, epochs: 2 } }));
    expect(r.notes).toContain('out of memory at batch size 32; continuing with batch size 16');
    expect(accuracy(r.probs)).toBeGreaterThan(0.5);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('fits the temperature on its validation split only and applies it to every prediction', async () => {
    const config = { ...options().config, epochs: 3, calibration: 'temperature' as const };
    const a = await trainModel(options({ config }));
    expect(a.temperature).not.toBe(1);
    expect(a.validationIndices.length).toBe(32); // 20% of 160, stratified
    for (const s of a.validationIndices) expect(train).toContain(s);
    // Predicting other samples leaves the temperature as it was: the predicted rows take no part.
    const b = await trainModel(options({ config, predictIndices: train.slice(0, 40) }));
    expect(b.temperature).toBe(a.temperature);
    // It is the NLL-optimal temperature of the validation rows under the uncalibrated model …
    const raw = await trainModel(
      options({
        config: { ...config, calibration: 'none' },
        predictIndices: Int32Array.from([...a.validationIndices, ...test]),
      }),
    );
    expect(raw.temperature).toBe(1);
    const nVal = a.validationIndices.length;
    const valLabels = Array.from(a.validationIndices, (s) => data.labels[s]);
    expect(fitTemperature(raw.probs.subarray(0, nVal * 2), valLabels, 2)).toBeCloseTo(a.temperature, 5);
    // … and the returned probabilities are the uncalibrated ones scaled by it, still summing to 1.
    const scaled = applyTemperature(raw.probs.subarray(nVal * 2), 2, a.temperature);
    a.probs.forEach((v, i) => expect(v).toBeCloseTo(scaled[i], 5));
    for (let r = 0; r < test.length; r++) expect(a.probs[2 * r] + a.probs[2 * r + 1]).toBeCloseTo(1, 5);
  });

  it('leaves probabilities uncalibrated when the validation split is too small', async () => {
    const r = await trainModel(
      options({
        config: { ...options().config, epochs: 1, validationFraction: 0.05, calibration: 'temperature' },
      }),
    );
    expect(r.temperature).toBe(1);
    expect(r.notes.join('\n')).toMatch(/not calibrated: 8 validation images, temperature scaling needs 10/);
  });

  it('rejects labels outside the classes', async () => {
    const bad = Int32Array.from(train, () => 2);
    await expect(trainModel(options({ trainLabels: bad }))).rejects.toThrow(
      /training label at position 0 is 2/,
    );
  });
});

describe('classWeights', () => {
  it('is n / (K·count) over the classes present', () => {
    expect(Array.from(classWeights([0, 0, 0, 1], 3))).toEqual([Math.fround(4 / 6), 2, 0]);
  });
});

describe('BatchBuilder', () => {
  it('scales to [0, 1] and mirrors rows when asked', async () => {
    tf ??= (await selectBackend('wasm')).tf;
    // one 2×3 RGB image: pixel (y, x) channel c = 10·(3y + x) + c
    const img = Uint8Array.from({ length: 18 }, (_, i) => 10 * Math.floor(i / 3) + (i % 3));
    const b = new BatchBuilder(tf, memoryPixelSource(img, { n: 1, height: 2, width: 3, channels: 3 }), 2, 1);
    const plain = b.images([0], 0, 1);
    expect(Array.from(plain.dataSync()).map((v) => Math.round(v * 255))).toEqual(Array.from(img));
    plain.dispose();
    const flipped = b.images([0], 0, 1, [{ dx: 0, dy: 0, flip: true }]);
    const px = Array.from(flipped.dataSync()).map((v) => Math.round(v * 255));
    flipped.dispose();
    expect(px.slice(0, 9)).toEqual([20, 21, 22, 10, 11, 12, 0, 1, 2]);
    const { y, w } = b.targets([1], 0, 1, Float32Array.from([0.5, 3]));
    expect(Array.from(y.dataSync())).toEqual([0, 1]);
    expect(Array.from(w.dataSync())).toEqual([3]);
    tf.dispose([y, w]);
  });
});
