import type { Tensor } from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { SaliencyMethod } from '../../../src-shared/evidence';
import type { Tf } from '../train/tf';
import { AbortError } from '../train/trainer';

/** Added to probabilities before the log: a softmax output can underflow to exactly 0 in float32. */
const EPS = 1e-12;
/** Occluded copies of the image evaluated per forward pass. */
const OCCLUSION_BATCH = 64;

export interface ExplainImageOptions {
  tf: Tf;
  model: LayersModel;
  /** One model-input image, uint8 HWC. */
  image: Uint8Array;
  height: number;
  width: number;
  channels: number;
  /** Evidence is measured as the log-odds log p(towards) − log p(against). */
  towards: number;
  against: number;
  method: SaliencyMethod;
  signal?: AbortSignal;
  /** gradient-x-input only: plain ∂/∂x · x per pixel, without the baseline and the patches (for comparison). */
  plainGradient?: boolean;
}

export interface ExplainImageResult {
  /** height × width, row-major; > 0 where the pixels support `towards`, < 0 where they support `against`. */
  values: Float32Array;
  /** log p(towards) − log p(against) on the unchanged image. */
  logOdds: number;
}

/** Occlusion patch side and stride for an image: ~1/8 of the shorter side, half-overlapping. */
export function occlusionGrid(height: number, width: number): { patch: number; stride: number } {
  const patch = Math.max(2, Math.round(Math.min(height, width) / 8));
  return { patch, stride: Math.max(1, Math.floor(patch / 2)) };
}

/** Patch origins along one axis: every `stride`, plus one flush with the far edge. */
function origins(side: number, patch: number, stride: number): number[] {
  const out: number[] = [];
  for (let o = 0; o + patch <= side; o += stride) out.push(o);
  if (out.at(-1)! + patch < side) out.push(side - patch);
  return out;
}

const nextTick = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Where one model's evidence for `towards` against `against` lies on one image.
 *
 * - `occlusion` (Zeiler & Fergus 2014): each patch of the grid in turn is replaced by the image's mean
 *   colour; a pixel's value is the mean drop of the log-odds over the patches covering it. Model-agnostic,
 *   one forward pass per patch position.
 * - `gradient-x-input` (Shrikumar et al. 2016), measured from the same mean-colour baseline b and summed
 *   over the same patches: a pixel's value is the mean over the patches covering it of Σ_patch ∂f/∂x·(x − b),
 *   the first-order (Taylor) estimate of the occlusion map, from one forward and one backward pass.
 */
export async function explainImage(o: ExplainImageOptions): Promise<ExplainImageResult> {
  const { tf, model, height: h, width: w, channels: c } = o;
  if (o.image.length !== h * w * c)
    throw new Error(`image has ${o.image.length} bytes, expected ${h * w * c}`);
  const input = Float32Array.from(o.image, (v) => v / 255);
  const logOddsOf = (p: Tensor) =>
    tf.sub(
      tf.log(tf.add(tf.slice(p, [0, o.towards], [-1, 1]), EPS)),
      tf.log(tf.add(tf.slice(p, [0, o.against], [-1, 1]), EPS)),
    );
  const checkAbort = () => {
    if (o.signal?.aborted) throw new AbortError('explanation cancelled');
  };

  const mean = new Float32Array(c);
  for (let i = 0; i < input.length; i++) mean[i % c] += input[i] / (h * w);

  if (o.method === 'gradient-x-input') {
    const r = tf.tidy(() => {
      const x = tf.tensor4d(input, [1, h, w, c]);
      const f = (t: Tensor) => tf.sum(logOddsOf(model.apply(t) as Tensor));
      const { value, grad } = tf.valueAndGrad(f)(x);
      const delta = o.plainGradient ? x : tf.sub(x, tf.tensor1d(mean));
      const sal = tf.sum(tf.mul(grad, delta), -1);
      return { values: sal.dataSync() as Float32Array, logOdds: value.dataSync()[0] };
    });
    return o.plainGradient ? r : { values: patchSums(r.values, h, w), logOdds: r.logOdds };
  }

  const { patch, stride } = occlusionGrid(h, w);
  const ys = origins(h, patch, stride);
  const xs = origins(w, patch, stride);
  const positions = ys.flatMap((y) => xs.map((x) => [y, x] as const));

  const base = tf.tidy(
    () => logOddsOf(model.predict(tf.tensor4d(input, [1, h, w, c])) as Tensor).dataSync()[0],
  );
  const sum = new Float64Array(h * w);
  const count = new Float64Array(h * w);
  const size = h * w * c;
  const batch = new Float32Array(Math.min(OCCLUSION_BATCH, positions.length) * size);
  for (let from = 0; from < positions.length; from += OCCLUSION_BATCH) {
    checkAbort();
    const n = Math.min(OCCLUSION_BATCH, positions.length - from);
    for (let i = 0; i < n; i++) {
      const [py, px] = positions[from + i];
      const img = batch.subarray(i * size, (i + 1) * size);
      img.set(input);
      for (let y = py; y < py + patch; y++)
        for (let x = px; x < px + patch; x++) img.set(mean, (y * w + x) * c);
    }
    const drops = tf.tidy(() =>
      logOddsOf(model.predict(tf.tensor4d(batch.subarray(0, n * size), [n, h, w, c])) as Tensor).dataSync(),
    );
    for (let i = 0; i < n; i++) {
      const [py, px] = positions[from + i];
      const drop = base - drops[i];
      for (let y = py; y < py + patch; y++)
        for (let x = px; x < px + patch; x++) {
          sum[y * w + x] += drop;
          count[y * w + x]++;
        }
    }
    await nextTick();
  }
  return { values: Float32Array.from(sum, (s, p) => (count[p] ? s / count[p] : 0)), logOdds: base };
}

/** Per pixel, the mean over the occlusion patches covering it of the patch's sum of `values`. */
export function patchSums(values: Float32Array, h: number, w: number): Float32Array {
  const { patch, stride } = occlusionGrid(h, w);
  const sum = new Float64Array(h * w);
  const count = new Float64Array(h * w);
  for (const y0 of origins(h, patch, stride))
    for (const x0 of origins(w, patch, stride)) {
      let s = 0;
      for (let y = y0; y < y0 + patch; y++) for (let x = x0; x < x0 + patch; x++) s += values[y * w + x];
      for (let y = y0; y < y0 + patch; y++)
        for (let x = x0; x < x0 + patch; x++) {
          sum[y * w + x] += s;
          count[y * w + x]++;
        }
    }
  return Float32Array.from(sum, (s, p) => (count[p] ? s / count[p] : 0));
}

/** Largest |value| (0 for an all-zero map). */
export function maxAbs(values: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) m = Math.max(m, Math.abs(values[i]));
  return m;
}
