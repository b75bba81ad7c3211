import {
  backend_util,
  Conv2D,
  PadV2,
  Reshape,
  Reverse,
  Slice,
  Transpose,
  type NamedAttrMap,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { run, scoped, type Backend, type KernelArgs } from './wasm-kernel-util';

/**
 * Convolution gradients for the wasm backend, expressed as forward convolutions so they run on the
 * XNNPACK Conv2D kernel: tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter and a scalar-loop
 * Conv2DBackpropInput. Only NHWC with dilation 1 (all tfjs gradients support) is handled.
 */

type Pads = [number, number, number, number]; // top, bottom, left, right (may be negative = crop)
/** Stride-1 conv2d (NHWC) with per-side padding; a negative pad crops that side of the input instead. */
function conv(
  backend: Backend,
  keep: (t: TensorInfo) => TensorInfo,
  x: TensorInfo,
  filter: TensorInfo,
  [top, bottom, left, right]: Pads,
  dilations: [number, number],
): TensorInfo {
  const [n, h, w, c] = x.shape;
  if (top < 0 || bottom < 0 || left < 0 || right < 0) {
    const begin = [0, Math.max(0, -top), Math.max(0, -left), 0];
    const size = [n, h - begin[1] - Math.max(0, -bottom), w - begin[2] - Math.max(0, -right), c];
    x = keep(run(backend, Slice, { x }, { begin, size }));
  }
  const pad = [
    [0, 0],
    [Math.max(0, top), Math.max(0, bottom)],
    [Math.max(0, left), Math.max(0, right)],
    [0, 0],
  ];
  return run(backend, Conv2D, { x, filter }, {
    strides: [1, 1],
    pad,
    dilations,
    dataFormat: 'NHWC',
  } as never);
}

function convInfoOf(xShape: number[], filterShape: number[], attrs: NamedAttrMap): backend_util.Conv2DInfo {
  const { strides, pad, dataFormat, dimRoundingMode } = attrs as unknown as {
    strides: [number, number] | number;
    pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
    dataFormat: 'NHWC' | 'NCHW';
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
  };
  if (dataFormat === 'NCHW') throw new Error('wasm conv2d gradients support NHWC only');
  return backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    'channelsLast',
  );
}

/**
 * dW[i,j,ci,co] = Σ_{n,y,x} x[n, y·sh+i−top, x·sw+j−left, ci] · dy[n,y,x,co]: a conv of x with channels as
 * batch ([Ci,H,W,N]) and dy as the filter ([Ho,Wo,N,Co]), dilated by the forward stride.
 */
export function conv2DBackpropFilter({ inputs, backend, attrs }: KernelArgs): TensorInfo {
  const { x, dy } = inputs;
  const info = convInfoOf(x.shape, attrs.filterShape as number[], attrs);
  const {
    filterHeight: fh,
    filterWidth: fw,
    strideHeight: sh,
    strideWidth: sw,
    inHeight: h,
    inWidth: w,
  } = info;
  const [ho, wo] = [dy.shape[1], dy.shape[2]];
  const { top, left } = info.padInfo;
  return scoped(backend, (keep) => {
    const xt = keep(run(backend, Transpose, { x }, { perm: [3, 1, 2, 0] }));
    const dyt = keep(run(backend, Transpose, { x: dy }, { perm: [1, 2, 0, 3] }));
    const bottom = fh + (ho - 1) * sh - h - top;
    const right = fw + (wo - 1) * sw - w - left;
    const g = keep(conv(backend, keep, xt, dyt, [top, bottom, left, right], [sh, sw]));
    return run(backend, Transpose, { x: g }, { perm: [1, 2, 0, 3] });
  });
}

/**
 * dx = conv of dy (zero-dilated by the forward stride) with the filter rotated 180° and its channel axes
 * swapped, padded by (filter − 1 − forward pad).
 */
export function conv2DBackpropInput({ inputs, backend, attrs }: KernelArgs): TensorInfo {
  const { dy, filter } = inputs;
  const info = convInfoOf(attrs.inputShape as number[], filter.shape, attrs);
  const {
    filterHeight: fh,
    filterWidth: fw,
    strideHeight: sh,
    strideWidth: sw,
    inHeight: h,
    inWidth: w,
  } = info;
  const [n, ho, wo, co] = dy.shape;
  const { top, left } = info.padInfo;
  return scoped(backend, (keep) => {
    let dyd = dy;
    if (sh > 1 || sw > 1) {
      // Insert stride−1 zeros after every row/column: [N,Ho,1,Wo,1,Co] → pad → [N,Ho·sh,Wo·sw,Co].
      const r = keep(run(backend, Reshape, { x: dy }, { shape: [n * ho, 1, wo, 1, co] }));
      const paddings = [
        [0, 0],
        [0, sh - 1],
        [0, 0],
        [0, sw - 1],
        [0, 0],
      ];
      const p = keep(run(backend, PadV2, { x: r }, { paddings, constantValue: 0 }));
      dyd = keep(run(backend, Reshape, { x: p }, { shape: [n, ho * sh, wo * sw, co] }));
    }
    const flipped = keep(run(backend, Reverse, { x: filter }, { dims: [0, 1] }));
    const rotated = keep(run(backend, Transpose, { x: flipped }, { perm: [0, 1, 3, 2] }));
    const [hd, wd] = [dyd.shape[1], dyd.shape[2]];
    const pt = fh - 1 - top;
    const pl = fw - 1 - left;
    return conv(backend, keep, dyd, rotated, [pt, h + fh - 1 - hd - pt, pl, w + fw - 1 - wd - pl], [1, 1]);
  });
}
