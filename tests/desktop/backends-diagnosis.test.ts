/** Why a faster training backend is not used, and the fix: from the machine's files and libraries. */
import { describe, expect, it } from 'vitest';
import { diagnoseBackends } from '../../src-main/core/system/backends';
import { formatSkipped, whyNotFaster } from '../../src-shared/diagnosis';
import {
  parseCudaVersion,
  parseCudnnHeader,
  parseDriverCuda,
  parseNvidiaSmi,
} from '../../src-main/core/system/gpu';
import { PROBLEMS } from '../../src-main/core/system/problems';
import { fakeProbe, pkgFiles, type FakeMachine } from './fake-probe';

const GPU_PKG = '/app/node_modules/@tensorflow/tfjs-node-gpu';
const WASM_PKG = '/app/node_modules/@tensorflow/tfjs-backend-wasm';
const base: FakeMachine = {
  files: {
    ...pkgFiles(`${WASM_PKG}/dist`, 'tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm'),
  },
  packages: {
    '@tensorflow/tfjs-backend-wasm': WASM_PKG,
    '@tensorflow/tfjs-backend-cpu': '/app/node_modules/@tensorflow/tfjs-backend-cpu',
  },
};
const withGpuPackage = (m: FakeMachine): FakeMachine => ({
  ...m,
  files: {
    ...m.files,
    ...pkgFiles(`${GPU_PKG}/deps/lib`, 'libtensorflow.so.2', 'libtensorflow_framework.so.2'),
  },
  packages: { ...m.packages, '@tensorflow/tfjs-node-gpu': GPU_PKG },
});
const smi = {
  'nvidia-smi --query-gpu=name,driver_version --format=csv,noheader': {
    stdout: 'NVIDIA H100 80GB HBM3, 550.54.15\n',
  },
  'nvidia-smi': { stdout: '| NVIDIA-SMI 550.54.15   Driver Version: 550.54.15   CUDA Version: 12.4 |\n' },
};
const ldconfig = (...libs: string[]) => ({
  'ldconfig -p': {
    stdout: `${libs.length} libs found in cache\n${libs.map((l) => `\t${l} (libc6,x86-64) => /usr/lib/x86_64-linux-gnu/${l}`).join('\n')}\n`,
  },
});
const gpu = (d: ReturnType<typeof diagnoseBackends>) => d.backends.find((b) => b.name === 'tensorflow-gpu')!;

describe('diagnoseBackends', () => {
  it('a GPU with CUDA 12 and cuDNN 9: not the CUDA 11 / cuDNN 8 that tfjs-node-gpu 4.22 needs', () => {
    const d = diagnoseBackends(
      fakeProbe(
        withGpuPackage({
          ...base,
          commands: {
            ...smi,
            ...ldconfig('libcuda.so.1', 'libcudart.so.12', 'libcudnn.so.9'),
            'nvcc --version': { stdout: 'Cuda compilation tools, release 12.4, V12.4.131' },
          },
          files: {
            ...base.files,
            '/usr/include/cudnn_version.h':
              '#define CUDNN_MAJOR 9\n#define CUDNN_MINOR 1\n#define CUDNN_PATCHLEVEL 0\n',
          },
        }),
      ),
      true,
    );
    const g = gpu(d);
    expect(g.available).toBe(false);
    expect(g.problems).toEqual(['gpu-no-cuda11', 'gpu-no-cudnn8']);
    expect(g.fixes).toEqual([PROBLEMS['gpu-no-cuda11'].fix, PROBLEMS['gpu-no-cudnn8'].fix]);
    expect(g.detail).toContain('GPU NVIDIA H100 80GB HBM3 (driver 550.54.15, supports CUDA ≤ 12.4)');
    expect(g.detail).toContain('CUDA runtime found: 12 (toolkit 12.4), needs 11.x (11.2)');
    expect(g.detail).toContain('cuDNN found: 9.1.0, needs 8.x (8.1)');
    // tfjs-node-gpu's TensorFlow still runs on the CPU: 'auto' lands on it.
    expect(d.expected).toBe('tensorflow');
    const why = whyNotFaster(d, 'tensorflow').map(formatSkipped);
    expect(why).toHaveLength(1);
    expect(why[0]).toMatch(/^tensorflow-gpu: GPU NVIDIA H100.* — fix: install CUDA 11\.2/);
  });

  it('CUDA 11 and cuDNN 8 beside a newer CUDA, on LD_LIBRARY_PATH: the GPU backend is expected', () => {
    const d = diagnoseBackends(
      fakeProbe(
        withGpuPackage({
          ...base,
          env: { LD_LIBRARY_PATH: '/opt/cuda-11.2/lib64:/opt/cudnn/lib' },
          commands: { ...smi, ...ldconfig('libcuda.so.1', 'libcudart.so.12') },
          files: {
            ...base.files,
            ...pkgFiles('/opt/cuda-11.2/lib64', 'libcudart.so.11.0', 'libcudart.so.11.2.152'),
            ...pkgFiles('/opt/cudnn/lib', 'libcudnn.so.8', 'libcudnn.so.8.1.1'),
          },
        }),
      ),
      true,
    );
    expect(gpu(d)).toMatchObject({ available: true, problems: [] });
    expect(gpu(d).detail).toContain('CUDA runtime found: 11, 12');
    expect(d.expected).toBe('tensorflow-gpu');
    expect(whyNotFaster(d, 'tensorflow-gpu')).toEqual([]);
  });

  it('no driver, no CUDA, nothing installed: every missing piece in order, wasm expected', () => {
    const d = diagnoseBackends(fakeProbe({ ...base, commands: ldconfig() }), true);
    expect(gpu(d).problems).toEqual(['gpu-no-driver', 'gpu-no-cuda11', 'gpu-no-cudnn8', 'gpu-not-installed']);
    expect(gpu(d).detail).toMatch(/^no NVIDIA driver \(nvidia-smi and libcuda\.so\.1 not found\)/);
    expect(d.backends.find((b) => b.name === 'tensorflow')).toMatchObject({
      available: false,
      problems: ['node-not-installed'],
    });
    expect(d.expected).toBe('wasm');
    expect(whyNotFaster(d, 'wasm').map((s) => s.name)).toEqual(['tensorflow-gpu', 'tensorflow']);
    // Before any run, the expected backend stands in for the one used.
    expect(whyNotFaster(d, null)).toEqual(whyNotFaster(d, 'wasm'));
    expect(whyNotFaster(d, 'tensorflow-gpu')).toEqual([]);
  });

  it('tfjs-node installed but its libtensorflow download failed', () => {
    const d = diagnoseBackends(
      fakeProbe({
        ...base,
        packages: { ...base.packages, '@tensorflow/tfjs-node': '/app/node_modules/@tensorflow/tfjs-node' },
      }),
      true,
    );
    expect(d.backends.find((b) => b.name === 'tensorflow')?.problems).toEqual(['node-no-libtensorflow']);
  });

  it('macOS: no GPU build at all; Windows: CUDA and cuDNN DLLs under CUDA_PATH', () => {
    expect(gpu(diagnoseBackends(fakeProbe({ ...base, platform: 'darwin' }), true)).problems).toEqual([
      'gpu-unsupported-os',
    ]);
    const win = diagnoseBackends(
      fakeProbe({
        ...base,
        platform: 'win32',
        env: { CUDA_PATH: 'C:/CUDA/v11.2' },
        commands: smi,
        files: { ...base.files, ...pkgFiles('C:/CUDA/v11.2/bin', 'cudart64_110.dll', 'cudnn64_8.dll') },
      }),
      true,
    );
    expect(gpu(win).problems).toEqual(['gpu-not-installed']);
  });

  it('wasm without SIMD still trains, with the reason it is slow; missing wasm files fall to cpu', () => {
    const noSimd = diagnoseBackends(fakeProbe(base), false).backends.find((b) => b.name === 'wasm')!;
    expect(noSimd).toMatchObject({ available: true, problems: ['wasm-no-simd'] });
    const d = diagnoseBackends(fakeProbe({ ...base, files: {} }), true);
    expect(d.backends.find((b) => b.name === 'wasm')?.problems).toEqual(['wasm-missing']);
    expect(d.expected).toBe('cpu');
    expect(diagnoseBackends(fakeProbe({}), true).expected).toBeNull();
  });
});

describe('parsers', () => {
  it('nvidia-smi, nvcc, version.json/txt, cudnn_version.h', () => {
    expect(parseNvidiaSmi('A100, 535.1\nA100, 535.1\n')).toEqual({ gpus: ['A100', 'A100'], driver: '535.1' });
    expect(parseDriverCuda('Driver Version: 535.1   CUDA Version: 12.2 ')).toBe('12.2');
    expect(parseCudaVersion('Cuda compilation tools, release 11.2, V11.2.152')).toBe('11.2');
    expect(parseCudaVersion('{"cuda" : {"name":"CUDA SDK","version" : "11.2.2"}}')).toBe('11.2');
    expect(parseCudaVersion('CUDA Version 10.1.243')).toBe('10.1');
    expect(parseCudaVersion('nothing')).toBeNull();
    expect(
      parseCudnnHeader('#define CUDNN_MAJOR 8\n#define CUDNN_MINOR 1\n#define CUDNN_PATCHLEVEL 1\n'),
    ).toBe('8.1.1');
    expect(parseCudnnHeader('')).toBeNull();
  });
});
