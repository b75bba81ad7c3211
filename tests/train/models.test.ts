import type { Tensor } from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel, selectBackend, type Tf } from '../../src-main/core/train';

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
