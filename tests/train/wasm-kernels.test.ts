import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
// The tfjs-layers bundle registers tfjs-core's gradient functions (tfjs-core's own node bundle has none).
import '@tensorflow/tfjs-layers';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { wasmBinaryFolder } from '../../src-main/core/train/backend';
import { registerFastGradients } from '../../src-main/core/train/gradients';
import { mulberry32 } from '../../src-main/core/random/seeded';
import { registerWasmTrainingKernels } from '../../src-main/core/train/wasm-kernels';

type ConvCase = {
  n: number;
  h: number;
  w: number;
  ci: number;
  co: number;
  fh: number;
  fw: number;
  stride: number | [number, number];
  pad: 'valid' | 'same';
};

const CONV_CASES: ConvCase[] = [
  { n: 1, h: 5, w: 5, ci: 1, co: 1, fh: 3, fw: 3, stride: 1, pad: 'valid' },
  { n: 3, h: 8, w: 7, ci: 2, co: 4, fh: 3, fw: 3, stride: 1, pad: 'same' },
  { n: 2, h: 12, w: 12, ci: 3, co: 6, fh: 5, fw: 5, stride: 1, pad: 'valid' },
  { n: 2, h: 9, w: 10, ci: 4, co: 3, fh: 3, fw: 2, stride: 2, pad: 'valid' },
  { n: 2, h: 9, w: 8, ci: 3, co: 5, fh: 3, fw: 3, stride: 2, pad: 'same' },
  { n: 4, h: 11, w: 13, ci: 5, co: 7, fh: 4, fw: 3, stride: [2, 3], pad: 'same' },
  { n: 2, h: 10, w: 10, ci: 6, co: 2, fh: 5, fw: 5, stride: 3, pad: 'valid' },
  { n: 5, h: 16, w: 16, ci: 16, co: 32, fh: 3, fw: 3, stride: 1, pad: 'same' },
];

const random = (rng: () => number, shape: number[]) =>
  tf.tensor(
    Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng() * 2 - 1),
    shape,
  );

/** Runs `fn` on the cpu and the wasm backend and returns both results' values. */
async function onBoth(fn: () => tf.Tensor[]): Promise<{ cpu: Float32Array[]; wasm: Float32Array[] }> {
  const values = () => tf.tidy(fn).map((t) => t.dataSync() as Float32Array);
  await tf.setBackend('cpu');
  const cpu = values();
  await tf.setBackend('wasm');
  const before = tf.memory().numTensors;
  const wasm = values();
  expect(tf.memory().numTensors).toBe(before + wasm.length);
  tf.disposeVariables();
  return { cpu, wasm };
}

function expectClose(actual: Float32Array, expected: Float32Array) {
  expect(actual.length).toBe(expected.length);
  let maxAbs = 0;
  let maxErr = 0;
  for (let i = 0; i < expected.length; i++) {
    maxAbs = Math.max(maxAbs, Math.abs(expected[i]));
    maxErr = Math.max(maxErr, Math.abs(actual[i] - expected[i]));
  }
  expect(maxErr / Math.max(maxAbs, 1e-6)).toBeLessThan(1e-4);
}

async function expectSameOnBoth(fn: () => tf.Tensor[]) {
  const { cpu, wasm } = await onBoth(fn);
  expect(wasm.length).toBe(cpu.length);
  cpu.forEach((c, i) => expectClose(wasm[i], c));
}

describe('wasm training kernels match the cpu backend', () => {
  beforeAll(async () => {
    await import('@tensorflow/tfjs-backend-wasm');
    setWasmPaths(wasmBinaryFolder());
    registerWasmTrainingKernels();
    registerFastGradients();
    expect(await tf.setBackend('wasm')).toBe(true);
  });

  it.each(CONV_CASES.map((c, i) => [i, c] as const))(
    'conv2d gradients (dx and dW), case %i: %o',
    async (i, c) => {
      await expectSameOnBoth(() => {
        const rng = mulberry32(100 + i);
        const x = random(rng, [c.n, c.h, c.w, c.ci]) as tf.Tensor4D;
        const f = random(rng, [c.fh, c.fw, c.ci, c.co]) as tf.Tensor4D;
        const weights = random(rng, tf.conv2d(x, f, c.stride, c.pad).shape);
        const g = tf.grads((a, b) =>
          tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, c.pad), weights)),
        );
        return g([x, f]);
      });
    },
  );

  it('fused conv2d + bias + relu gradients', async () => {
    await expectSameOnBoth(() => {
      const rng = mulberry32(5);
      const x = random(rng, [3, 10, 10, 3]) as tf.Tensor4D;
      const f = random(rng, [5, 5, 3, 6]) as tf.Tensor4D;
      const bias = random(rng, [6]);
      const loss = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) =>
        tf.sum(
          tf.square(
            tf.fused.conv2d({
              x: a as tf.Tensor4D,
              filter: b as tf.Tensor4D,
              bias: c,
              strides: 1,
              pad: 'valid',
              activation: 'relu',
            }),
          ),
        );
      return tf.grads(loss)([x, f, bias]);
    });
  });

  it.each([
    { shape: [4, 9, 11, 3], size: 2, stride: 2, pad: 'valid' as const },
    { shape: [2, 8, 8, 5], size: 2, stride: 2, pad: 'same' as const },
    { shape: [3, 9, 9, 4], size: 3, stride: 2, pad: 'same' as const },
    { shape: [2, 7, 6, 2], size: 3, stride: 1, pad: 'valid' as const },
  ])('max-pool gradient %o', async ({ shape, size, stride, pad }) => {
    await expectSameOnBoth(() => {
      const rng = mulberry32(9);
      const x = random(rng, shape) as tf.Tensor4D;
      const w = random(rng, tf.maxPool(x, size, stride, pad).shape);
      return [tf.grad((a) => tf.sum(tf.mul(tf.maxPool(a as tf.Tensor4D, size, stride, pad), w)))(x)];
    });
  });

  it('max-pool gradient goes to the first of tied maxima, like the cpu backend', async () => {
    await expectSameOnBoth(() => {
      const x = tf.tensor4d([3, 3, 0, 1, 1, 0, 2, 2, 4, 0, 5, 5, 4, 0, 5, 5], [1, 4, 4, 1]);
      return [tf.grad((a) => tf.sum(tf.maxPool(a as tf.Tensor4D, 2, 2, 'valid')))(x)];
    });
  });

  it.each([
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ])('matMul with transposeA=%s transposeB=%s, 2-D and batched, and its gradients', async (ta, tb) => {
    await expectSameOnBoth(() => {
      const rng = mulberry32(3);
      const a = random(rng, ta ? [7, 5] : [5, 7]) as tf.Tensor2D;
      const b = random(rng, tb ? [4, 7] : [7, 4]) as tf.Tensor2D;
      const a3 = random(rng, ta ? [3, 7, 5] : [3, 5, 7]) as tf.Tensor3D;
      const b3 = random(rng, tb ? [3, 4, 7] : [3, 7, 4]) as tf.Tensor3D;
      const grads = tf.grads((x, y) => tf.sum(tf.square(tf.matMul(x, y, ta, tb))))([a, b]);
      const fused = tf.fused.matMul({
        a,
        b,
        transposeA: ta,
        transposeB: tb,
        bias: random(rng, [4]),
        activation: 'relu',
      });
      return [tf.matMul(a, b, ta, tb), tf.matMul(a3, b3, ta, tb), fused, ...grads];
    });
  });

  it.each([
    { shape: [4, 6, 5, 3], axis: [0, 1, 2], keepDims: false },
    { shape: [4, 6, 5, 3], axis: [0, 1, 2], keepDims: true },
    { shape: [4, 6, 5, 3], axis: [1, 0], keepDims: false },
    { shape: [4, 6, 5, 3], axis: [0, 1, 2, 3], keepDims: false },
    { shape: [4, 6, 5, 3], axis: [1, 2], keepDims: false },
    { shape: [4, 6, 5, 3], axis: [-1], keepDims: true },
  ])('sum and mean over %o', async ({ shape, axis, keepDims }) => {
    await expectSameOnBoth(() => {
      const x = random(mulberry32(4), shape);
      return [tf.sum(x, axis, keepDims), tf.mean(x, axis, keepDims)];
    });
  });

  it('batch-norm gradients (moments + batchNorm, as tfjs-layers trains it) equal those of the plain formula', async () => {
    const grads = (fused: boolean) =>
      tf
        .tidy(() => {
          const rng = mulberry32(11);
          const x = random(rng, [6, 5, 5, 4]);
          const gamma = random(rng, [4]);
          const beta = random(rng, [4]);
          const w = random(rng, [6, 5, 5, 4]);
          const loss = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
            const { mean, variance } = tf.moments(a, [0, 1, 2]);
            const y = fused
              ? tf.batchNorm(a, mean, variance, b, g, 1e-3)
              : tf.add(tf.mul(tf.mul(tf.sub(a, mean), tf.rsqrt(tf.add(variance, 1e-3))), g), b);
            return tf.sum(tf.mul(y, w));
          };
          return tf.grads(loss)([x, gamma, beta]);
        })
        .map((t) => t.dataSync() as Float32Array);
    await tf.setBackend('cpu');
    const reference = grads(false);
    await tf.setBackend('wasm');
    grads(true).forEach((g, i) => expectClose(g, reference[i]));
  });

  it.each([
    { shape: [1, 1, 1, 5], reps: [3, 4, 2, 1] },
    { shape: [1, 3, 2], reps: [7, 1, 1] },
    { shape: [2, 3], reps: [2, 2] },
    { shape: [1, 4], reps: [1, 3] },
  ])('tile %o', async ({ shape, reps }) => {
    await expectSameOnBoth(() => [tf.tile(random(mulberry32(2), shape), reps)]);
  });

  it.each([
    { axes: [0, 1, 2], mean: false },
    { axes: [0, 1, 2], mean: true },
    { axes: [0], mean: true },
    { axes: [1, 2], mean: false },
    { axes: [3], mean: true },
  ])('sum/mean gradient over %o equals the broadcast of dy', async ({ axes, mean }) => {
    const shape = [3, 4, 5, 6];
    const rows = axes.reduce((a, ax) => a * shape[ax], 1);
    const grads = () =>
      tf.tidy(() => {
        const rng = mulberry32(8);
        const x = random(rng, shape);
        const outShape = shape.filter((_, i) => !axes.includes(i));
        const v = random(rng, outShape);
        const g = tf.grad((a) => tf.sum(tf.mul(mean ? tf.mean(a, axes) : tf.sum(a, axes), v)))(x);
        const keep = shape.map((d, i) => (axes.includes(i) ? 1 : d));
        const expected = tf.mul(tf.onesLike(x), tf.reshape(tf.div(v, mean ? rows : 1), keep));
        return [g, expected].map((t) => t.dataSync() as Float32Array);
      });
    await tf.setBackend('wasm');
    const [got, expected] = grads();
    expectClose(got, expected);
    await tf.setBackend('cpu');
    const [gotCpu] = grads();
    expectClose(gotCpu, expected);
  });

  it('clones share data instead of copying and stay valid after the original is disposed', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor1d([1, 2, 3]);
    const y = x.clone();
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual([1, 2, 3]);
    y.dispose();
  });

  it('frees every intermediate it allocates', async () => {
    await tf.setBackend('wasm');
    const c = CONV_CASES[5];
    const step = () =>
      tf.tidy(() => {
        const rng = mulberry32(1);
        const x = random(rng, [c.n, c.h, c.w, c.ci]) as tf.Tensor4D;
        const f = random(rng, [c.fh, c.fw, c.ci, c.co]) as tf.Tensor4D;
        const loss = (a: tf.Tensor, b: tf.Tensor) =>
          tf.sum(tf.maxPool(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, c.pad), 2, 2, 'same'));
        tf.grads(loss)([x, f]);
        tf.sum(tf.matMul(random(rng, [4, 3]), random(rng, [5, 3]), false, true), [0]);
      });
    step();
    const dataIds = tf.backend().numDataIds();
    for (let i = 0; i < 5; i++) step();
    expect(tf.backend().numDataIds()).toBe(dataIds);
  });
});
