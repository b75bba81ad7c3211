import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { DEFAULT_LIMITS, MAX_SAMPLES, type DataLimits } from '../limits';
import { tooManySamples } from './label-file';
import { readIdxFile } from './idx-file';
import { classNamesBeside } from './class-names';
import { assertClassCeiling, integerClasses, type ClassNaming, type IdxListing } from './source-types';

/** Images/labels naming schemes of the MNIST family, each with and without `.gz`. */
const SCHEMES: [images: string, labels: string][] = [
  ['-images-idx3-ubyte', '-labels-idx1-ubyte'],
  ['-images.idx3-ubyte', '-labels.idx1-ubyte'],
];
const GZ = ['', '.gz'];

const isFile = (p: string): boolean => existsSync(p) && statSync(p).isFile();

/**
 * Finds the images + labels pair for an argument that is an IDX images (or labels) file, a prefix such
 * as `…/train` or `…/t10k`, or a folder holding `train-images-idx3-ubyte[.gz]`. Null when none matches.
 */
export function findIdxFiles(arg: string): { images: string; labels: string } | null {
  const p = resolve(arg);
  if (isFile(p)) return pairOfFile(p);
  if (existsSync(p) && statSync(p).isDirectory()) return pairInFolder(p);
  for (const [img, lab] of SCHEMES) {
    for (const gz of GZ) {
      if (isFile(p + img + gz)) return { images: p + img + gz, labels: labelsFor(p + img + gz, p + lab) };
    }
  }
  return null;
}

function pairOfFile(file: string): { images: string; labels: string } | null {
  const name = basename(file);
  for (const [img, lab] of SCHEMES) {
    if (name.includes(img)) {
      const prefix = join(dirname(file), name.slice(0, name.lastIndexOf(img)));
      return { images: file, labels: labelsFor(file, prefix + lab) };
    }
    if (name.includes(lab)) {
      const prefix = join(dirname(file), name.slice(0, name.lastIndexOf(lab)));
      const images = GZ.map((gz) => prefix + img + gz).find(isFile);
      if (images) return { images, labels: file };
    }
  }
  return null;
}

function pairInFolder(dir: string): { images: string; labels: string } | null {
  const names = readdirSync(dir);
  const candidates = names.filter((n) => SCHEMES.some(([img]) => n.includes(img))).sort();
  const pick =
    candidates.find((n) => n.startsWith('train')) ?? (candidates.length === 1 ? candidates[0] : undefined);
  return pick ? pairOfFile(join(dir, pick)) : null;
}

function labelsFor(imagesFile: string, labelsBase: string): string {
  const found = GZ.map((gz) => labelsBase + gz).find(isFile);
  if (!found) throw new Error(`no IDX label file next to ${imagesFile} (looked for ${labelsBase}[.gz])`);
  return found;
}

/** Every image of an IDX pair, held in memory as raw grayscale (MNIST train: 47 MB), paths `idx:<n>`. */
export async function listIdxSource(
  imagesFile: string,
  labelsFile: string,
  naming: ClassNaming = {},
  limits: DataLimits = DEFAULT_LIMITS,
): Promise<IdxListing> {
  const images = await readIdxFile(resolve(imagesFile), 3, limits.maxFileBytes);
  const labels = await readIdxFile(resolve(labelsFile), 1, limits.maxFileBytes);
  const [count, height, width] = images.dims;
  if (labels.dims[0] !== count) {
    throw new Error(`${labelsFile} has ${labels.dims[0]} labels but ${imagesFile} has ${count} images`);
  }
  if (count === 0) throw new Error(`${imagesFile} holds no images`);
  if (count > MAX_SAMPLES) throw tooManySamples(imagesFile);
  if (width === 0 || height === 0) throw new Error(`${imagesFile} has empty ${width}×${height} images`);
  const labelPath = resolve(labelsFile);
  const beside = naming.names ? null : await classNamesBeside(labelPath);
  const classes = integerClasses(
    labels.data,
    { file: labelPath, at: (i) => `${labelPath}: label #${i}` },
    beside ? { ...naming, names: beside.names, namesSource: beside.file } : naming,
  );
  assertClassCeiling(classes, labelPath, limits);
  return {
    format: 'idx',
    root: dirname(resolve(imagesFile)),
    labelSource: resolve(labelsFile),
    entries: Array.from(labels.data, (label, i) => ({ path: `idx:${i}`, label })),
    classes,
    images: { data: images.data, count, width, height },
  };
}
