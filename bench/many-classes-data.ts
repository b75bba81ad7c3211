/**
 * The noisy 10-class Fashion-MNIST sets of bench/many-classes.ts: a class-balanced subset of the
 * training IDX files with a share of labels flipped uniformly to one of the other nine classes, written
 * as an IDX pair (what a user would import) plus the truth, and imported once into a cached project.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { readIdxFile } from '../src-main/core/dataset/idx-file';
import { importDataset } from '../src-main/core/dataset/import';
import { Project } from '../src-main/core/store/project';
import { mulberry32, shuffleInPlace } from '../src-main/core/random/seeded';

export const CLASSES = 10;

export interface NoisySet {
  /** The project holding the imported noisy set (reused across bench invocations). */
  projectPath: string;
  truth: Int32Array;
  given: Int32Array;
  flipped: Set<number>;
  importSeconds: number | null;
}

function idxBytes(dims: number[], data: Uint8Array): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt8(0x08, 2); // unsigned byte
  header.writeUInt8(dims.length, 3);
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return gzipSync(Buffer.concat([header, data]));
}

/** `count` images, the same number of each class, in a seeded random order; `noise` of them flipped. */
async function drawSet(sourceDir: string, count: number, noise: number) {
  const images = await readIdxFile(join(sourceDir, 'train-images-idx3-ubyte.gz'), 3);
  const classes = await readIdxFile(join(sourceDir, 'train-labels-idx1-ubyte.gz'), 1);
  const [n, h, w] = images.dims;
  const rng = mulberry32(1);
  const byClass = Array.from({ length: CLASSES }, () => [] as number[]);
  for (let i = 0; i < n; i++) byClass[classes.data[i]].push(i);
  const per = Math.floor(count / CLASSES);
  const chosen = shuffleInPlace(
    rng,
    byClass.flatMap((list) => shuffleInPlace(rng, list).slice(0, per)),
  );
  const size = h * w;
  const pixels = new Uint8Array(chosen.length * size);
  const truth = new Int32Array(chosen.length);
  chosen.forEach((src, i) => {
    pixels.set(images.data.subarray(src * size, src * size + size), i * size);
    truth[i] = classes.data[src];
  });
  const flipRng = mulberry32(2);
  const flipped = new Set(
    shuffleInPlace(flipRng, Array.from(truth.keys())).slice(0, Math.round(chosen.length * noise)),
  );
  const given = truth.slice();
  for (const i of flipped) given[i] = (truth[i] + 1 + Math.floor(flipRng() * (CLASSES - 1))) % CLASSES;
  return { pixels, truth, given, flipped, h, w };
}

/** The cached project of (count, noise), imported from IDX files on first use. */
export async function noisySet(
  cacheDir: string,
  sourceDir: string,
  count: number,
  noise: number,
): Promise<NoisySet> {
  const dir = join(cacheDir, `fmnist10-${count}-noise${Math.round(noise * 100)}`);
  const projectPath = join(dir, 'bench.relabel');
  const truthFile = join(dir, 'truth.json');
  if (existsSync(projectPath) && existsSync(truthFile)) {
    const t = JSON.parse(readFileSync(truthFile, 'utf8')) as { truth: number[]; given: number[] };
    const truth = Int32Array.from(t.truth);
    const given = Int32Array.from(t.given);
    const flipped = new Set(Array.from(truth.keys()).filter((i) => truth[i] !== given[i]));
    return { projectPath, truth, given, flipped, importSeconds: null };
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'idx'), { recursive: true });
  const set = await drawSet(sourceDir, count, noise);
  const n = set.truth.length;
  writeFileSync(join(dir, 'idx', 'train-images-idx3-ubyte.gz'), idxBytes([n, set.h, set.w], set.pixels));
  writeFileSync(join(dir, 'idx', 'train-labels-idx1-ubyte.gz'), idxBytes([n], Uint8Array.from(set.given)));
  const started = performance.now();
  const project = Project.create(projectPath);
  try {
    await importDataset(project, join(dir, 'idx'), { onBadImage: 'stop' });
  } finally {
    project.close();
  }
  const importSeconds = (performance.now() - started) / 1000;
  writeFileSync(truthFile, JSON.stringify({ truth: Array.from(set.truth), given: Array.from(set.given) }));
  return { projectPath, truth: set.truth, given: set.given, flipped: set.flipped, importSeconds };
}
