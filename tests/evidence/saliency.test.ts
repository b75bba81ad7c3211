import type { LayersModel } from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { explainImage, occlusionGrid } from '../../src-main/core/evidence/saliency';
import {
  AbortError,
  defaultTrainConfig,
  restoreModel,
  selectBackend,
  type Tf,
} from '../../src-main/core/train';
import { memoryPixelSource } from '../../src-main/core/train/pixel-source';
import { trainModel } from '../../src-main/core/train/trainer';
import { brightPatchDataset, inPatch, PATCH } from './helpers';

const data = brightPatchDataset(300);
const size = data.width * data.height;
let tf: Tf;
let model: LayersModel;

const image = (i: number) => data.pixels.subarray(i * size, (i + 1) * size);
const explain = (i: number, method: 'occlusion' | 'gradient-x-input', signal?: AbortSignal) =>
  explainImage({
    tf,
    model,
    image: image(i),
    height: data.height,
    width: data.width,
    channels: 1,
    towards: 1,
    against: 0,
    method,
    signal,
  });

describe('saliency overlay of a trained model', () => {
  beforeAll(async () => {
    tf = (await selectBackend('wasm')).tf;
    const train = Int32Array.from({ length: 240 }, (_, i) => i);
    const r = await trainModel({
      tf,
      pixels: memoryPixelSource(data.pixels, data),
      numClasses: 2,
      trainIndices: train,
      trainLabels: Int32Array.from(train, (i) => data.labels[i]),
      predictIndices: Int32Array.of(240),
      config: { ...defaultTrainConfig(), epochs: 8, batchSize: 32, validationFraction: 0 },
      seed: 3,
    });
    model = restoreModel(tf, r.model);
  });

  for (const method of ['occlusion', 'gradient-x-input'] as const) {
    it(`${method}: on an image of the patch class, the evidence for it lies on the patch`, async () => {
      for (const i of [240, 243, 246]) {
        expect(data.labels[i]).toBe(1);
        const { values, logOdds } = await explain(i, method);
        expect(logOdds).toBeGreaterThan(0); // the model sees the patch class
        const order = Array.from(values.keys()).sort((a, b) => values[b] - values[a]);
        const top = order.slice(0, PATCH.size * PATCH.size);
        const hits = top.filter((p) => inPatch(p, data.width)).length;
        expect(hits / top.length).toBeGreaterThanOrEqual(0.8); // measured 0.92–0.96
        const inside = Array.from(values).filter((_, p) => inPatch(p, data.width));
        const outside = Array.from(values).filter((_, p) => !inPatch(p, data.width));
        const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
        expect(mean(inside)).toBeGreaterThan(5 * Math.abs(mean(outside)));
      }
    });
  }

  it('occlusion covers every pixel and stops when cancelled', async () => {
    expect(occlusionGrid(64, 64)).toEqual({ patch: 8, stride: 4 });
    expect(occlusionGrid(28, 28)).toEqual({ patch: 4, stride: 2 });
    const { values } = await explain(241, 'occlusion');
    expect(values.length).toBe(size);
    const ac = new AbortController();
    ac.abort();
    await expect(explain(241, 'occlusion', ac.signal)).rejects.toBeInstanceOf(AbortError);
    expect(tf.memory().numTensors).toBe(model.getWeights().length);
  });
});
