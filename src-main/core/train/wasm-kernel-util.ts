import { getKernel, type KernelBackend, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs-core';

/** The parts of the wasm backend the JavaScript training kernels use (tfjs-backend-wasm's BackendWasm). */
export type Backend = KernelBackend & {
  disposeData(dataId: object): boolean;
  incRef(dataId: object): void;
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array;
};
export type KernelArgs = { inputs: Record<string, TensorInfo>; backend: Backend; attrs: NamedAttrMap };

export function run(
  backend: Backend,
  kernel: string,
  inputs: Record<string, TensorInfo>,
  attrs: NamedAttrMap,
): TensorInfo {
  const k = getKernel(kernel, 'wasm');
  if (!k) throw new Error(`wasm backend has no ${kernel} kernel`);
  return k.kernelFunc({ inputs, attrs, backend }) as TensorInfo;
}

/** Runs `fn` with a scratch list; every scratch tensor except the returned one is freed afterwards. */
export function scoped(
  backend: Backend,
  fn: (keep: (t: TensorInfo) => TensorInfo) => TensorInfo,
): TensorInfo {
  const scratch: TensorInfo[] = [];
  try {
    const out = fn((t) => (scratch.push(t), t));
    for (const t of scratch) if (t !== out) backend.disposeData(t.dataId);
    return out;
  } catch (e) {
    for (const t of scratch) backend.disposeData(t.dataId);
    throw e;
  }
}
