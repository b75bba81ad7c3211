import { join } from 'node:path';
import type { BackendDiagnosis, BackendStatus } from '../../../src-shared/diagnosis';
import type { BackendName } from '../../../src-shared/domain';
import { BACKEND_ORDER } from '../train/backend';
import { gatherGpuFacts, type GpuFacts } from './gpu';
import { GPU_NEEDS, PROBLEMS, type ProblemId } from './problems';
import type { SystemProbe } from './probe';

/** The smallest module that uses a SIMD instruction (the same test tfjs-backend-wasm runs). */
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98,
  11,
]);

export const wasmHasSimd = (): boolean => WebAssembly.validate(SIMD_PROBE);

function status(name: BackendName, detail: string, problems: ProblemId[], blocking = true): BackendStatus {
  return {
    name,
    available: !blocking || problems.length === 0,
    detail,
    problems,
    fixes: problems.map((id) => PROBLEMS[id].fix),
  };
}

/** libtensorflow as tfjs-node(-gpu)'s install script leaves it in deps/lib. */
function hasLibtensorflow(p: SystemProbe, pkgDir: string): boolean {
  return p.listDir(join(pkgDir, 'deps', 'lib')).some((n) => /^(lib)?tensorflow(\.so|\.\d|\.dll)/.test(n));
}

const list = (xs: (string | number)[]) => (xs.length ? xs.join(', ') : 'none');

export function describeGpu(f: GpuFacts): string {
  const driver = f.gpus
    ? `GPU ${list(f.gpus)} (driver ${f.driver ?? '?'}${f.driverCuda ? `, supports CUDA ≤ ${f.driverCuda}` : ''})`
    : f.libcuda
      ? `NVIDIA driver library ${f.libcuda}, but nvidia-smi lists no GPU`
      : 'no NVIDIA driver (nvidia-smi and libcuda.so.1 not found)';
  const cuda = `CUDA runtime found: ${list(f.cudartMajors)}${f.cudaToolkit ? ` (toolkit ${f.cudaToolkit})` : ''}, needs 11.x (${GPU_NEEDS.cuda})`;
  const cudnn = `cuDNN found: ${f.cudnnVersion ?? list(f.cudnnMajors)}, needs 8.x (${GPU_NEEDS.cudnn})`;
  return `${driver}; ${cuda}; ${cudnn}`;
}

function diagnoseGpu(p: SystemProbe): BackendStatus {
  if (p.platform === 'darwin')
    return status('tensorflow-gpu', 'macOS has no TensorFlow GPU build', ['gpu-unsupported-os']);
  const f = gatherGpuFacts(p);
  const problems: ProblemId[] = [];
  if (!f.gpus && !f.libcuda) problems.push('gpu-no-driver');
  if (!f.cudartMajors.includes(GPU_NEEDS.cudaSoname)) problems.push('gpu-no-cuda11');
  if (!f.cudnnMajors.includes(GPU_NEEDS.cudnnSoname)) problems.push('gpu-no-cudnn8');
  const pkg = p.packageDir('@tensorflow/tfjs-node-gpu');
  if (!pkg) problems.push('gpu-not-installed');
  else if (!hasLibtensorflow(p, pkg)) problems.push('gpu-no-libtensorflow');
  const installed = pkg ? '@tensorflow/tfjs-node-gpu installed' : '@tensorflow/tfjs-node-gpu not installed';
  return status('tensorflow-gpu', `${describeGpu(f)}; ${installed}`, problems);
}

function diagnoseNode(p: SystemProbe): BackendStatus {
  const pkg = p.packageDir('@tensorflow/tfjs-node');
  if (pkg && hasLibtensorflow(p, pkg))
    return status('tensorflow', '@tensorflow/tfjs-node with libtensorflow', []);
  // tfjs-node-gpu's TensorFlow runs on the CPU when it sees no GPU: 'auto' uses it as this backend.
  const gpuPkg = p.packageDir('@tensorflow/tfjs-node-gpu');
  if (gpuPkg && hasLibtensorflow(p, gpuPkg))
    return status('tensorflow', "@tensorflow/tfjs-node-gpu's libtensorflow (on the CPU)", []);
  return pkg
    ? status('tensorflow', '@tensorflow/tfjs-node installed, libtensorflow missing', [
        'node-no-libtensorflow',
      ])
    : status('tensorflow', '@tensorflow/tfjs-node not installed', ['node-not-installed']);
}

function diagnoseWasm(p: SystemProbe, simd: boolean): BackendStatus {
  const pkg = p.packageDir('@tensorflow/tfjs-backend-wasm');
  const files = pkg ? p.listDir(join(pkg, 'dist')).filter((n) => n.endsWith('.wasm')) : [];
  if (!files.includes('tfjs-backend-wasm.wasm'))
    return status('wasm', 'tfjs-backend-wasm or its .wasm files missing', ['wasm-missing']);
  if (!simd) return status('wasm', 'no WebAssembly SIMD in this Node.js', ['wasm-no-simd'], false);
  return status('wasm', 'WebAssembly with SIMD, one thread per worker process', []);
}

function diagnoseCpu(p: SystemProbe): BackendStatus {
  return p.packageDir('@tensorflow/tfjs-backend-cpu')
    ? status('cpu', 'pure JavaScript: very slow (about 1 image/s)', [])
    : status('cpu', '@tensorflow/tfjs-backend-cpu missing', ['cpu-missing']);
}

/**
 * Which training backends will load here and, for each that will not, why and how to fix it — from files
 * and system libraries, without loading TensorFlow (cheap enough for the Train page). The workers' own
 * selection (train/backend.ts) stays the authority on what actually ran.
 */
export function diagnoseBackends(p: SystemProbe, simd: boolean = wasmHasSimd()): BackendDiagnosis {
  const byName: Record<BackendName, () => BackendStatus> = {
    'tensorflow-gpu': () => diagnoseGpu(p),
    tensorflow: () => diagnoseNode(p),
    wasm: () => diagnoseWasm(p, simd),
    cpu: () => diagnoseCpu(p),
  };
  const backends = BACKEND_ORDER.map((name) => byName[name]());
  return { expected: backends.find((b) => b.available)?.name ?? null, backends };
}
