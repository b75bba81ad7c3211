import { CLASS_NAMES_FILE } from './class-names';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { pickAccessories, faceSvg, type Accessory } from './demo-faces';
import {
  FASHION_CLASSES,
  FOOTWEAR,
  fashionMnistAvailable,
  fashionMnistDir,
  pickFashionImages,
} from './demo-fashion';
import { IMAGES_SUBFOLDER, LABEL_FILE } from './detect-source';
import { mulberry32, sampleIndices, shuffleInPlace, streamFor } from '../random/seeded';

export type DemoSource = 'auto' | 'procedural' | 'fashion-mnist';

export interface DemoOptions {
  /** Side of the written images in px (16–256). */
  size?: number;
  /** Fraction of labels flipped (0 ≤ noise < 1); exactly round(noise × count) labels. */
  noise?: number;
  seed?: number;
  count?: number;
  /** 'auto': Fashion-MNIST when its files are installed, else procedural faces. */
  source?: DemoSource;
  /** Images written at the same time. */
  concurrency?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface DemoResult {
  outDir: string;
  source: 'procedural' | 'fashion-mnist';
  count: number;
  classNames: [string, string];
  cleanLabels: number[];
  givenLabels: number[];
  /** 0-based indices (= label-file lines) whose label was flipped, ascending. */
  flipped: number[];
}

/** Share of class 0 (the minority) in every demo dataset. */
export const CLASS0_SHARE = 0.13;
export const NOISE_TRUTH_FILE = 'noise_truth.txt';

/**
 * Writes a seed-format demo dataset into `outDir` (which must be new or empty): `train_img/000001.jpg…`,
 * `label_train.txt`, `noise_truth.txt` (the flipped lines, 0-based) and `README.txt`. Two classes, about
 * 87 % class 1. The same options always give byte-identical files.
 */
export async function writeDemoDataset(outDir: string, opts: DemoOptions = {}): Promise<DemoResult> {
  const size = opts.size ?? 64;
  const noise = opts.noise ?? 0.1;
  const seed = opts.seed ?? 1;
  const count = opts.count ?? 2000;
  validate(size, noise, seed, count);
  const source = resolveSource(opts.source ?? 'auto');
  const dir = resolve(outDir);
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    throw new Error(`${dir} is not empty; choose a new folder for the demo dataset`);
  }
  const imgDir = join(dir, IMAGES_SUBFOLDER);
  mkdirSync(imgDir, { recursive: true });

  const n0 = Math.round(CLASS0_SHARE * count);
  const rng = mulberry32(seed);
  let cleanLabels: number[];
  let render: (i: number) => Promise<Buffer>;
  let classNames: [string, string];
  if (source === 'fashion-mnist') {
    const picks = await pickFashionImages(rng, count, n0);
    cleanLabels = picks.map((p) => p.label);
    render = (i) =>
      sharp(picks[i].pixels, { raw: { width: 28, height: 28, channels: 1 } })
        .resize(size, size, { kernel: 'lanczos3' })
        .toColourspace('b-w')
        .jpeg({ quality: 92 })
        .toBuffer();
    classNames = ['footwear', 'other'];
  } else {
    cleanLabels = shuffleInPlace(rng, [
      ...new Array<number>(n0).fill(0),
      ...new Array<number>(count - n0).fill(1),
    ]);
    render = (i) => {
      const r = streamFor(seed, i);
      const accessories: Accessory[] = cleanLabels[i] === 0 ? pickAccessories(r) : [];
      return sharp(Buffer.from(faceSvg(r, accessories, size)))
        .flatten({ background: '#ffffff' })
        .jpeg({ quality: 90 })
        .toBuffer();
    };
    classNames = ['hat, glasses or beard', 'plain face'];
  }

  const flipped = sampleIndices(mulberry32(seed ^ 0x5eed), count, Math.round(noise * count));
  const givenLabels = [...cleanLabels];
  for (const i of flipped) givenLabels[i] = 1 - givenLabels[i];

  let written = 0;
  await forEachLimited(count, opts.concurrency ?? 4, async (i) => {
    await writeFile(join(imgDir, imageName(i)), await render(i));
    opts.onProgress?.(++written, count);
  });
  await writeFile(join(dir, LABEL_FILE), givenLabels.join('\n') + '\n');
  await writeFile(join(dir, NOISE_TRUTH_FILE), flipped.map((i) => `${i}\n`).join(''));
  await writeFile(join(dir, CLASS_NAMES_FILE), classNames.map((name) => `${name}\n`).join(''));
  await writeFile(
    join(dir, 'README.txt'),
    readme({ source, size, noise, seed, count, n0, flipped, classNames }),
  );
  return { outDir: dir, source, count, classNames, cleanLabels, givenLabels, flipped };
}

/** 1-based, 6-digit names: image i (0-based) is line i+1 of label_train.txt. */
export const imageName = (i: number): string => `${String(i + 1).padStart(6, '0')}.jpg`;

function resolveSource(s: DemoSource): 'procedural' | 'fashion-mnist' {
  if (s !== 'auto' && s !== 'procedural' && s !== 'fashion-mnist') {
    throw new Error(`unknown demo source "${s}" (auto, procedural, fashion-mnist)`);
  }
  if (s === 'procedural') return s;
  const available = fashionMnistAvailable();
  if (s === 'fashion-mnist' && !available) {
    throw new Error(
      `Fashion-MNIST files not found in ${fashionMnistDir()} (set RELABEL_FASHION_MNIST_DIR to their folder)`,
    );
  }
  return available ? 'fashion-mnist' : 'procedural';
}

function validate(size: number, noise: number, seed: number, count: number): void {
  if (!Number.isInteger(size) || size < 16 || size > 256)
    throw new Error(`size must be an integer from 16 to 256, got ${size}`);
  if (!(noise >= 0 && noise < 1)) throw new Error(`noise must be at least 0 and below 1, got ${noise}`);
  if (!Number.isInteger(seed)) throw new Error(`seed must be an integer, got ${seed}`);
  if (!Number.isInteger(count) || count < 10 || count > 999_999) {
    throw new Error(`count must be an integer from 10 to 999999, got ${count}`);
  }
}

/** Runs `fn(0..n-1)` with at most `limit` calls in flight, in index order of starting. */
async function forEachLimited(n: number, limit: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < n) await fn(next++);
  };
  await Promise.all(Array.from({ length: Math.min(limit, n) }, worker));
}

function readme(o: {
  source: 'procedural' | 'fashion-mnist';
  size: number;
  noise: number;
  seed: number;
  count: number;
  n0: number;
  flipped: number[];
  classNames: [string, string];
}): string {
  const what =
    o.source === 'fashion-mnist'
      ? `Fashion-MNIST training images (28x28 grayscale, upscaled to ${o.size}x${o.size}), as a binary task:\n` +
        `  class 0 = footwear (${[...FOOTWEAR].map((c) => FASHION_CLASSES[c]).join(', ')})\n` +
        `  class 1 = every other garment or bag\n`
      : `Procedurally drawn faces (${o.size}x${o.size} RGB) on cluttered backgrounds, as a binary task:\n` +
        `  class 0 = the face wears a hat, glasses or a beard\n` +
        `  class 1 = plain face\n`;
  return (
    `Relabel demo dataset (seed format)\n\n${what}\n` +
    `Images: ${o.count} (${o.n0} of class 0, ${o.count - o.n0} of class 1 before noise), seed ${o.seed}.\n\n` +
    `Files:\n` +
    `  train_img/000001.jpg ...  the images; line i of label_train.txt is the label of image i (1-based).\n` +
    `  label_train.txt           the given labels, one 0/1 per line, WITH label noise.\n` +
    `  classes.txt               the class names: line k names class k-1 (Relabel reads it on import).\n` +
    `  noise_truth.txt           0-based line numbers of the ${o.flipped.length} labels that were flipped\n` +
    `                            (noise ${o.noise}), ascending: the answer key for evaluating a cleaner.\n\n` +
    `Try it (in the Relabel folder):\n  npx relabel import ${'<this folder>'} --project demo.relabel\n`
  );
}
