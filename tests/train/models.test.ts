import type { Tensor } from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel, selectBackend, type Tf } from '../../src-main/core/train';
import { seededDropout } from '../../src-main/core/train/seeded-dropout';

let tf: Tf;

describe('buildModel', () => {
  beforeAll(async () => {
    tf = (await selectBackend('wasm')).tf;
  });

  it.each([
    // conv1 5·5·c·6+6, conv2 5·5·6·16+16, dense (flat·256+256), 256·32+32, 32·2+2
    ['baseline', 28, 1, 156 + 2_416 + (4 * 4 * 16 * 256 + 256) + 8_224 + 66],
    ['baseline', 64, 3, 456 + 2_416 + (13 * 13 * 16 * 256 + 256) + 8_224 + 66],
  ] as const)(
    '%s on %i px × %i channel(s) has the LeNet layout and %i parameters',
    (name, side, channels, params) => {
      const model = buildModel(tf, name, { height: side, width: side, channels }, 2);
      expect(model.countParams()).toBe(params);
      expect(model.layers.map((l) => l.getClassName())).toEqual([
        'Conv2D',
        'MaxPooling2D',
        'Conv2D',
        'MaxPooling2D',
        'Flatten',
        'Dense',
        'Dense',
        'Dense',
      ]);
      model.dispose();
    },
  );

  it.each([
    ['baseline', 28, 1],
    ['lenet-wide', 28, 1],
    ['lenet-wide', 64, 3],
    ['lenet-wide', 4, 1],
    ['cnn', 28, 1],
    ['cnn', 64, 3],
    ['cnn', 8, 1],
    ['baseline', 16, 3],
  ] as const)('%s on %i px × %i channel(s) outputs a probability row per image', (name, side, channels) => {
    const model = buildModel(tf, name, { height: side, width: side, channels }, 4);
    const out = tf.tidy(
      () => (model.predict(tf.zeros([3, side, side, channels])) as Tensor).arraySync() as number[][],
    );
    expect(out).toHaveLength(3);
    for (const row of out) {
      expect(row).toHaveLength(4);
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    }
    model.dispose();
  });

  it('cnn is conv-batchnorm-relu blocks with global average pooling', () => {
    const model = buildModel(tf, 'cnn', { height: 32, width: 32, channels: 3 }, 10);
    const names = model.layers.map((l) => l.getClassName());
    expect(names.filter((n) => n === 'BatchNormalization')).toHaveLength(3);
    expect(names.at(-2)).toBe('GlobalAveragePooling2D');
    model.dispose();
  });

  it('lenet-wide is the baseline shape, wider, with dropout before and after its dense layer', () => {
    const model = buildModel(tf, 'lenet-wide', { height: 28, width: 28, channels: 1 }, 10);
    expect(model.layers.map((l) => l.getClassName())).toEqual([
      'Conv2D',
      'MaxPooling2D',
      'Conv2D',
      'MaxPooling2D',
      'Flatten',
      'RelabelSeededDropout',
      'Dense',
      'RelabelSeededDropout',
      'Dense',
    ]);
    // conv 3·3·1·32+32, conv 3·3·32·64+64, dense 7·7·64·128+128, softmax 128·10+10
    expect(model.countParams()).toBe(320 + 18_496 + 401_536 + 1_290);
    model.dispose();
  });

  it('seeded dropout: a new mask on every training call, reproducible from the seed, none when predicting', () => {
    const masks = (seed: number) => {
      const layer = seededDropout(tf, { rate: 0.5, seed });
      const x = tf.ones([1, 400]);
      const calls = [0, 1, 2].map(() =>
        tf.tidy(() => Array.from((layer.apply(x, { training: true }) as Tensor).dataSync())),
      );
      const inference = tf.tidy(() => Array.from((layer.apply(x) as Tensor).dataSync()));
      x.dispose();
      return { calls, inference };
    };
    const a = masks(3);
    expect(a.calls[0]).not.toEqual(a.calls[1]);
    expect(a.calls[1]).not.toEqual(a.calls[2]);
    for (const m of a.calls) {
      expect(new Set(m)).toEqual(new Set([0, 2])); // kept units scaled by 1 / (1 − rate)
      const kept = m.filter((v) => v > 0).length / m.length;
      expect(kept).toBeGreaterThan(0.4);
      expect(kept).toBeLessThan(0.6);
    }
    expect(a.inference.every((v) => v === 1)).toBe(true);
    expect(masks(3).calls).toEqual(a.calls);
    expect(masks(4).calls[0]).not.toEqual(a.calls[0]);
  });

  it('a lenet-wide saved with its topology loads back (the seeded dropout layer is registered)', async () => {
    const model = buildModel(tf, 'lenet-wide', { height: 8, width: 8, channels: 1 }, 3, 9);
    const saved: { artifacts?: unknown } = {};
    await model.save(
      tf.io.withSaveHandler(async (a) => ((saved.artifacts = a), { modelArtifactsInfo: {} as never })),
    );
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(saved.artifacts as never));
    const x = tf.ones([2, 8, 8, 1]);
    const [a, b] = [model, loaded].map((m) => Array.from((m.predict(x) as Tensor).dataSync()));
    expect(b).toEqual(a);
    tf.dispose([x]);
    model.dispose();
    loaded.dispose();
  });

  it('same seed, same initial weights; other seed, other weights', () => {
    const weights = (seed: number) => {
      const m = buildModel(tf, 'baseline', { height: 16, width: 16, channels: 1 }, 2, seed);
      const w = m.getWeights()[0].dataSync().slice();
      m.dispose();
      return Array.from(w);
    };
    expect(weights(1)).toEqual(weights(1));
    expect(weights(1)).not.toEqual(weights(2));
  });

  it('rejects inputs smaller than the receptive field and bad shapes with a clear message', () => {
    expect(() => buildModel(tf, 'baseline', { height: 12, width: 28, channels: 1 }, 2)).toThrow(
      "model 'baseline' needs images of at least 16×16 pixels, got 28×12",
    );
    expect(() => buildModel(tf, 'cnn', { height: 7, width: 7, channels: 1 }, 2)).toThrow(/at least 8×8/);
    expect(() => buildModel(tf, 'cnn', { height: 28, width: 28, channels: 2 }, 2)).toThrow(/1 or 3 channels/);
    expect(() => buildModel(tf, 'cnn', { height: 28, width: 28, channels: 1 }, 1)).toThrow(
      /at least 2 classes/,
    );
  });
});
