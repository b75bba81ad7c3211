import type { Tensor, Tensor2D, Tensor4D } from '@tensorflow/tfjs-core';
import { transformImage, type ImageTransform } from './augment';
import type { PixelSource } from './pixel-source';
import type { Tf } from './tf';

/**
 * Builds batch tensors on the fly from the uint8 images (scaled to [0, 1]), reusing one byte and one
 * float buffer, so the dataset is never copied to float as a whole. A tensor made here must be disposed
 * before the next call (backends may keep a reference to the buffer).
 */
export class BatchBuilder {
  private readonly imageSize: number;
  private bytes: Uint8Array;
  private floats: Float32Array;
  private oneHot: Float32Array;
  private weights: Float32Array;

  constructor(
    private readonly tf: Tf,
    private readonly src: PixelSource,
    private readonly numClasses: number,
    capacity: number,
  ) {
    this.imageSize = src.height * src.width * src.channels;
    this.bytes = new Uint8Array(capacity * this.imageSize);
    this.floats = new Float32Array(capacity * this.imageSize);
    this.oneHot = new Float32Array(capacity * numClasses);
    this.weights = new Float32Array(capacity);
  }

  private ensure(count: number): void {
    if (this.weights.length >= count) return;
    this.bytes = new Uint8Array(count * this.imageSize);
    this.floats = new Float32Array(count * this.imageSize);
    this.oneHot = new Float32Array(count * this.numClasses);
    this.weights = new Float32Array(count);
  }

  /** Images `samples[from..from+count)` as a [count,H,W,C] float tensor; `transforms[i]` augments image i. */
  images(
    samples: ArrayLike<number>,
    from: number,
    count: number,
    transforms?: readonly ImageTransform[] | null,
  ): Tensor4D {
    this.ensure(count);
    const { height: h, width: w, channels: c } = this.src;
    const size = this.imageSize;
    const bytes = this.bytes;
    const floats = this.floats;
    const scale = 1 / 255;
    for (let i = 0; i < count; i++) {
      const base = i * size;
      this.src.read(samples[from + i], bytes, base);
      const t = transforms?.[i];
      if (t && (t.dx !== 0 || t.dy !== 0 || t.flip)) {
        transformImage(bytes, base, floats, base, h, w, c, t, scale);
      } else {
        for (let j = base; j < base + size; j++) floats[j] = bytes[j] * scale;
      }
    }
    return this.tf.tensor4d(floats.subarray(0, count * size), [count, h, w, c], 'float32');
  }

  /** One-hot targets and per-sample weights of `labels[from..from+count)`. */
  targets(
    labels: ArrayLike<number>,
    from: number,
    count: number,
    classWeight: Float32Array,
  ): { y: Tensor2D; w: Tensor } {
    this.ensure(count);
    const k = this.numClasses;
    const oneHot = this.oneHot.subarray(0, count * k).fill(0);
    const weights = this.weights.subarray(0, count);
    for (let i = 0; i < count; i++) {
      const label = labels[from + i];
      oneHot[i * k + label] = 1;
      weights[i] = classWeight[label];
    }
    return { y: this.tf.tensor2d(oneHot, [count, k], 'float32'), w: this.tf.tensor1d(weights, 'float32') };
  }
}
