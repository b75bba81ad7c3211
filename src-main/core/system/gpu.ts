import { join } from 'node:path';
import type { SystemProbe } from './probe';

/** What the machine offers tfjs-node-gpu: an NVIDIA driver, a CUDA runtime and cuDNN, by version. */
export interface GpuFacts {
  /** GPU names listed by nvidia-smi; null when nvidia-smi is not there or fails. */
  gpus: string[] | null;
  driver: string | null;
  /** The newest CUDA the driver supports (nvidia-smi's "CUDA Version"). */
  driverCuda: string | null;
  /** The driver's user-space library (libcuda.so.1 / nvcuda.dll), where found. */
  libcuda: string | null;
  /** Major versions of the CUDA runtime libraries found (libcudart.so.N / cudart64_N*.dll). */
  cudartMajors: number[];
  /** The CUDA toolkit version (nvcc, version.json/txt), where known. */
  cudaToolkit: string | null;
  /** Major versions of cuDNN libraries found (libcudnn.so.N / cudnn64_N.dll). */
  cudnnMajors: number[];
  /** cuDNN's full version from cudnn_version.h, where found. */
  cudnnVersion: string | null;
}

const unique = (xs: number[]) => [...new Set(xs)].sort((a, b) => a - b);

/** The folders a dynamic loader would search for the CUDA libraries (beside `ldconfig -p`'s cache). */
function libraryDirs(p: SystemProbe): string[] {
  const sep = p.platform === 'win32' ? ';' : ':';
  const fromEnv = (name: string) => (p.env[name] ?? '').split(sep).filter(Boolean);
  if (p.platform === 'win32') {
    const cuda = p.env.CUDA_PATH ? [join(p.env.CUDA_PATH, 'bin')] : [];
    return [...cuda, ...fromEnv('PATH'), 'C:\\Windows\\System32'];
  }
  const cudaDirs = p
    .listDir('/usr/local')
    .filter((d) => /^cuda(-[\d.]+)?$/.test(d))
    .flatMap((d) => [`/usr/local/${d}/lib64`, `/usr/local/${d}/lib`]);
  return [...fromEnv('LD_LIBRARY_PATH'), ...cudaDirs, '/usr/lib/x86_64-linux-gnu', '/usr/lib64', '/usr/lib'];
}

/** Library file names visible to the loader: ldconfig's cache plus the folders above. */
function libraryNames(p: SystemProbe): { name: string; path: string }[] {
  const found: { name: string; path: string }[] = [];
  if (p.platform === 'linux') {
    const ld = p.run('ldconfig', ['-p'], { timeoutMs: 5000 });
    const ldAlt = ld.ok ? ld : p.run('/sbin/ldconfig', ['-p'], { timeoutMs: 5000 });
    for (const line of ldAlt.stdout.split('\n')) {
      const m = /^\s*(\S+) \(.*\) => (\S+)/.exec(line);
      if (m) found.push({ name: m[1], path: m[2] });
    }
  }
  for (const dir of libraryDirs(p)) {
    for (const name of p.listDir(dir)) found.push({ name, path: join(dir, name) });
  }
  return found;
}

export function parseNvidiaSmi(csv: string): { gpus: string[]; driver: string | null } {
  const rows = csv
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => l.split(',').map((c) => c.trim()));
  return { gpus: rows.map((r) => r[0]), driver: rows[0]?.[1] ?? null };
}

/** "CUDA Version: 12.4" from nvidia-smi's banner. */
export function parseDriverCuda(banner: string): string | null {
  return /CUDA Version:\s*([\d.]+)/.exec(banner)?.[1] ?? null;
}

/** nvcc's "release 11.2, V11.2.152", version.json's {"cuda":{"version":"11.2.2"}}, version.txt's "CUDA Version 11.2.152". */
export function parseCudaVersion(text: string): string | null {
  const m =
    /release (\d+\.\d+)/.exec(text) ??
    /"cuda"\s*:\s*\{[^}]*"version"\s*:\s*"(\d+\.\d+)/.exec(text) ??
    /CUDA Version (\d+\.\d+)/.exec(text);
  return m?.[1] ?? null;
}

export function parseCudnnHeader(text: string): string | null {
  const num = (name: string) => new RegExp(`#define ${name}\\s+(\\d+)`).exec(text)?.[1];
  const [major, minor, patch] = [num('CUDNN_MAJOR'), num('CUDNN_MINOR'), num('CUDNN_PATCHLEVEL')];
  return major && minor ? `${major}.${minor}${patch ? `.${patch}` : ''}` : null;
}

export function gatherGpuFacts(p: SystemProbe): GpuFacts {
  const smi = p.run('nvidia-smi', ['--query-gpu=name,driver_version', '--format=csv,noheader'], {
    timeoutMs: 10_000,
  });
  const { gpus, driver } = smi.ok ? parseNvidiaSmi(smi.stdout) : { gpus: null, driver: null };
  const driverCuda = smi.ok ? parseDriverCuda(p.run('nvidia-smi', [], { timeoutMs: 10_000 }).stdout) : null;

  const libs = libraryNames(p);
  const win = p.platform === 'win32';
  const libcuda = libs.find((l) => (win ? /^nvcuda\.dll$/i : /^libcuda\.so\.1$/).test(l.name))?.path ?? null;
  const majors = (re: RegExp, toMajor: (digits: string) => number = Number) =>
    unique(libs.flatMap((l) => re.exec(l.name)?.[1] ?? []).map(toMajor));
  // Windows names the CUDA runtime cudart64_110.dll (11.0) or cudart64_12.dll (12.x).
  const cudartMajors = win
    ? majors(/^cudart64_(\d+)\.dll$/i, (d) => Number(d.length === 3 ? d.slice(0, 2) : d))
    : majors(/^libcudart\.so\.(\d+)/);
  const cudnnMajors = win ? majors(/^cudnn64_(\d+)\.dll$/i) : majors(/^libcudnn\.so\.(\d+)/);

  const nvcc = p.run('nvcc', ['--version'], { timeoutMs: 10_000 });
  const cudaHome = p.env.CUDA_PATH ?? p.env.CUDA_HOME ?? '/usr/local/cuda';
  const cudaToolkit =
    (nvcc.ok ? parseCudaVersion(nvcc.stdout) : null) ??
    parseCudaVersion(p.readText(join(cudaHome, 'version.json')) ?? '') ??
    parseCudaVersion(p.readText(join(cudaHome, 'version.txt')) ?? '');
  const headers = ['/usr/include', join(cudaHome, 'include'), '/usr/include/x86_64-linux-gnu'].map((d) =>
    join(d, 'cudnn_version.h'),
  );
  const cudnnVersion = headers.map((h) => parseCudnnHeader(p.readText(h) ?? '')).find(Boolean) ?? null;
  return { gpus, driver, driverCuda, libcuda, cudartMajors, cudaToolkit, cudnnMajors, cudnnVersion };
}
