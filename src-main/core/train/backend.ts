import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { BACKEND_NAMES, type BackendChoice, type BackendName } from '../../../src-shared/domain';
import type { Tf } from './tf';

export interface SelectedBackend {
  name: BackendName;
  tf: Tf;
  /** One line per backend that was tried and skipped, and what the chosen one runs with. */
  notes: string[];
}

const firstLine = (e: unknown) => String((e as Error)?.message ?? e).split('\n')[0];

function isMissingPackage(e: unknown, pkg: string): boolean {
  const err = e as NodeJS.ErrnoException;
  return (
    (err?.code === 'ERR_MODULE_NOT_FOUND' || err?.code === 'MODULE_NOT_FOUND') &&
    String(err.message).includes(pkg)
  );
}

/** tfjs-node(-gpu) exports the whole `@tensorflow/tfjs` API (core + layers) bound to its own core. */
async function loadNode(pkg: '@tensorflow/tfjs-node-gpu' | '@tensorflow/tfjs-node'): Promise<Tf> {
  const mod = (await import(/* @vite-ignore */ pkg)) as Tf & { default?: Tf };
  const tf = (mod.default && typeof mod.default.tensor === 'function' ? mod.default : mod) as Tf;
  await tf.setBackend('tensorflow');
  await tf.ready();
  return tf;
}

/** True when TensorFlow (as loaded by tfjs-node-gpu) sees a GPU device. */
function seesGpu(tf: Tf): boolean {
  const backend = tf.backend() as unknown as {
    isUsingGpuDevice?: boolean;
    binding?: { isUsingGpuDevice?: () => boolean };
  };
  return backend.isUsingGpuDevice ?? backend.binding?.isUsingGpuDevice?.() ?? false;
}

async function loadCore(): Promise<Tf> {
  const [core, layers] = await Promise.all([
    import('@tensorflow/tfjs-core'),
    import('@tensorflow/tfjs-layers'),
  ]);
  return { ...core, ...layers } as unknown as Tf;
}

/** The folder holding tfjs-backend-wasm*.wasm, with a trailing slash. */
export function wasmBinaryFolder(): string {
  return dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm')) + '/';
}

async function loadWasm(): Promise<{ tf: Tf; note: string }> {
  const tf = await loadCore();
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const { registerWasmTrainingKernels } = await import('./wasm-kernels');
  const { registerFastGradients } = await import('./gradients');
  wasm.setWasmPaths(wasmBinaryFolder());
  registerWasmTrainingKernels();
  registerFastGradients();
  if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend failed to initialise');
  await tf.ready();
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  return {
    tf,
    note: `wasm backend: ${simd ? 'SIMD' : 'no SIMD (slower)'}, single-threaded per worker process`,
  };
}

async function loadCpu(): Promise<Tf> {
  const tf = await loadCore();
  await import('@tensorflow/tfjs-backend-cpu');
  if (!(await tf.setBackend('cpu'))) throw new Error('the cpu backend failed to initialise');
  await tf.ready();
  return tf;
}

/** The order `auto` tries the backends in: BACKEND_NAMES lists them fastest first. */
export const BACKEND_ORDER: readonly BackendName[] = BACKEND_NAMES;
const CHOICE: Record<Exclude<BackendChoice, 'auto'>, BackendName> = {
  gpu: 'tensorflow-gpu',
  node: 'tensorflow',
  wasm: 'wasm',
  cpu: 'cpu',
};

/** tfjs-node-gpu loaded, but TensorFlow found no usable GPU; it still runs TensorFlow on the CPU. */
class NoGpuError extends Error {
  constructor(readonly tf: Tf) {
    super('@tensorflow/tfjs-node-gpu loaded but TensorFlow sees no GPU (check the CUDA/cuDNN libraries)');
  }
}

async function tryBackend(name: BackendName): Promise<{ tf: Tf; note?: string }> {
  switch (name) {
    case 'tensorflow-gpu': {
      const tf = await loadNode('@tensorflow/tfjs-node-gpu');
      if (!seesGpu(tf)) throw new NoGpuError(tf);
      return { tf };
    }
    case 'tensorflow':
      return { tf: await loadNode('@tensorflow/tfjs-node') };
    case 'wasm':
      return loadWasm();
    case 'cpu':
      return { tf: await loadCpu(), note: 'pure-JavaScript cpu backend: very slow (about 1 image/s)' };
  }
}

function explain(name: BackendName, e: unknown): string {
  const pkg = name === 'tensorflow-gpu' ? '@tensorflow/tfjs-node-gpu' : '@tensorflow/tfjs-node';
  if ((name === 'tensorflow-gpu' || name === 'tensorflow') && isMissingPackage(e, pkg))
    return `${pkg} not installed`;
  return `${name}: ${firstLine(e)}`;
}

/**
 * Loads the fastest available tfjs backend: tfjs-node-gpu (only with a visible GPU) → tfjs-node → wasm →
 * cpu for 'auto'; exactly the named one otherwise (an Error saying why when it cannot load).
 * Call once per process: a process keeps the backend it selected first.
 */
export async function selectBackend(choice: BackendChoice): Promise<SelectedBackend> {
  const notes: string[] = [];
  let cpuTensorflow: Tf | null = null;
  const candidates = choice === 'auto' ? BACKEND_ORDER : [CHOICE[choice]];
  for (const [i, name] of candidates.entries()) {
    if (name === 'tensorflow' && cpuTensorflow) {
      // tfjs-node-gpu's TensorFlow runs on the CPU too; loading tfjs-node next to it would clash.
      return { name, tf: cpuTensorflow, notes };
    }
    try {
      const { tf, note } = await tryBackend(name);
      if (note) notes.push(note);
      return { name, tf, notes };
    } catch (e) {
      if (e instanceof NoGpuError) cpuTensorflow = e.tf;
      const why = explain(name, e);
      if (choice !== 'auto') {
        throw new Error(`backend '${choice}' is not available: ${why}`, { cause: e });
      }
      const next = candidates[i + 1];
      notes.push(next ? `${why}; falling back to ${next}` : why);
    }
  }
  throw new Error(`no tfjs backend could be loaded: ${notes.join('; ')}`);
}
