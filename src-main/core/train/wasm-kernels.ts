import {
  AvgPool,
  BatchMatMul,
  Conv2DBackpropFilter,
  Conv2DBackpropInput,
  FusedBatchNorm,
  getKernel,
  Identity,
  MaxPoolGrad,
  Mean,
  registerKernel,
  Reshape,
  Sum,
  Tile,
  Transpose,
  unregisterKernel,
  util,
  _FusedMatMul,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { batchNorm } from './wasm-batch-norm';
import { conv2DBackpropFilter, conv2DBackpropInput } from './wasm-conv-grads';
import { run, scoped, type KernelArgs } from './wasm-kernel-util';
import { maxPoolGrad } from './wasm-pool-grad';

/** Wraps the wasm (fused) matmul so transposed operands are transposed first: its transposed paths are ~15× slower. */
function withoutTransposes(original: (args: KernelArgs) => TensorInfo) {
  return ({ inputs, backend, attrs }: KernelArgs): TensorInfo => {
    if (!attrs.transposeA && !attrs.transposeB) return original({ inputs, backend, attrs });
    return scoped(backend, (keep) => {
      const swapLast = (t: TensorInfo) => {
        const perm = t.shape.map((_, i) => i);
        [perm[perm.length - 2], perm[perm.length - 1]] = [perm[perm.length - 1], perm[perm.length - 2]];
        return keep(run(backend, Transpose, { x: t }, { perm }));
      };
      const a = attrs.transposeA ? swapLast(inputs.a) : inputs.a;
      const b = attrs.transposeB ? swapLast(inputs.b) : inputs.b;
      return original({
        inputs: { ...inputs, a, b },
        backend,
        attrs: { ...attrs, transposeA: false, transposeB: false },
      });
    });
  };
}

/**
 * Tile whose repeats are all on leading size-1 axes (a [1,1,1,C] row broadcast to [N,H,W,C], as the
 * sum/mean gradients do): the output is the input block repeated, written by doubling copies.
 */
function leadingTile(original: (a: KernelArgs) => TensorInfo) {
  return (args: KernelArgs): TensorInfo => {
    const { inputs, backend, attrs } = args;
    const { x } = inputs;
    const reps = attrs.reps as number[];
    const lastRepeated = reps.reduce((last, r, i) => (r > 1 ? i : last), -1);
    const leading = x.shape.every((d, i) => i > lastRepeated || d === 1);
    if (x.dtype !== 'float32' || lastRepeated < 0 || !leading) return original(args);
    const out = backend.makeOutput(
      x.shape.map((d, i) => d * reps[i]),
      'float32',
    );
    const dst = backend.typedArrayFromHeap(out);
    const block = backend.typedArrayFromHeap(x);
    dst.set(block, 0);
    for (let filled = block.length; filled < dst.length; filled *= 2) {
      dst.copyWithin(filled, 0, Math.min(filled, dst.length - filled));
    }
    return out;
  };
}

/** Identity sharing the data (as the cpu backend does) instead of copying it; tfjs clones every tensor a custom gradient saves. */
function identity({ inputs, backend }: KernelArgs): TensorInfo {
  const { x } = inputs;
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

/**
 * Sum/mean over leading axes (the batch-norm statistics and gradients over N,H,W of an NHWC tensor) as
 * one XNNPACK average pooling of [1,rows,1,cols] with a rows×1 window, ~10× faster than the wasm
 * reduction, which transposes the whole tensor first. Other reductions go to the original kernel.
 */
function leadingAxesReduction(original: (a: KernelArgs) => TensorInfo, mean: boolean) {
  return (args: KernelArgs): TensorInfo => {
    const { inputs, backend, attrs } = args;
    const { x } = inputs;
    const axes = util.parseAxisParam(attrs.axis as number | number[], x.shape).sort((a, b) => a - b);
    if (x.dtype !== 'float32' || axes.length === 0 || !axes.every((a, i) => a === i)) return original(args);
    const rows = x.shape.slice(0, axes.length).reduce((a, b) => a * b, 1);
    const cols = x.shape.slice(axes.length).reduce((a, b) => a * b, 1);
    const outShape = attrs.keepDims
      ? x.shape.map((d, i) => (i < axes.length ? 1 : d))
      : x.shape.slice(axes.length);
    return scoped(backend, (keep) => {
      const image = keep(run(backend, Reshape, { x }, { shape: [1, rows, 1, cols] }));
      const pooled = keep(
        run(backend, AvgPool, { x: image }, {
          filterSize: [rows, 1],
          strides: [1, 1],
          pad: 'valid',
        } as never),
      );
      if (!mean) {
        const values = backend.typedArrayFromHeap(pooled);
        for (let i = 0; i < values.length; i++) values[i] *= rows;
      }
      return run(backend, Reshape, { x: pooled }, { shape: outShape });
    });
  };
}

let registered = false;

function replaceKernel(kernelName: string, kernelFunc: (args: KernelArgs) => TensorInfo): void {
  const existing = getKernel(kernelName, 'wasm');
  if (existing) unregisterKernel(kernelName, 'wasm');
  registerKernel({
    kernelName,
    backendName: 'wasm',
    setupFunc: existing?.setupFunc,
    kernelFunc: kernelFunc as never,
  });
}

/**
 * Registers (once per process, before the wasm backend is first used) the training kernels the wasm
 * backend lacks or runs slowly: convolution gradients as convolutions, max-pool gradient, matmul
 * without its slow transposed paths, leading-axes sum/mean and tile, and a data-sharing identity.
 */
export function registerWasmTrainingKernels(): void {
  if (registered) return;
  replaceKernel(Conv2DBackpropFilter, conv2DBackpropFilter);
  replaceKernel(Conv2DBackpropInput, conv2DBackpropInput);
  replaceKernel(MaxPoolGrad, maxPoolGrad);
  replaceKernel(Tile, leadingTile(getKernel(Tile, 'wasm')!.kernelFunc as never));
  replaceKernel(FusedBatchNorm, batchNorm(getKernel(FusedBatchNorm, 'wasm')!.kernelFunc as never));
  for (const [name, isMean] of [
    [Sum, false],
    [Mean, true],
  ] as const) {
    replaceKernel(name, leadingAxesReduction(getKernel(name, 'wasm')!.kernelFunc as never, isMean));
  }
  const originalIdentity = getKernel(Identity, 'wasm')!.kernelFunc as unknown as (
    a: KernelArgs,
  ) => TensorInfo;
  replaceKernel(Identity, (args) =>
    args.inputs.x.dtype === 'string' ? originalIdentity(args) : identity(args),
  );
  for (const name of [BatchMatMul, _FusedMatMul]) {
    const original = getKernel(name, 'wasm');
    if (original) replaceKernel(name, withoutTransposes(original.kernelFunc as never));
  }
  registered = true;
}
