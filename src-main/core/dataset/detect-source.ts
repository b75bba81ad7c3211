import { closeSync, constants, existsSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import type { Dirent } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { DEFAULT_LIMITS, type DataLimits } from '../limits';
import { shortPath } from '../quote';
import { isImageName, readDirOrThrow } from './image-files';
import { listCsvSource } from './source-csv';
import { findIdxFiles, listIdxSource } from './source-idx';
import { listImageFolderSource } from './source-imagefolder';
import { listSeedSource } from './source-seed';
import type { ClassNaming, DatasetListing, SourceSpec } from './source-types';

export const LABEL_FILE = 'label_train.txt';
export const IMAGES_SUBFOLDER = 'train_img';

const isDir = (p: string): boolean => existsSync(p) && statSync(p).isDirectory();
const isFile = (p: string): boolean => existsSync(p) && statSync(p).isFile();

/**
 * Picks the dataset format from a user argument:
 * - a `.csv` file → CSV;
 * - an IDX file, an IDX prefix (`…/train`) or a folder with IDX files → IDX;
 * - a folder with `--labels`, or holding `label_train.txt` → seed (images in `train_img/` when that
 *   exists, else in the folder itself; a `train_img` folder also finds `../label_train.txt`);
 * - a folder of class sub-folders → ImageFolder.
 */
export async function detectSource(arg: string, opts: { labels?: string } = {}): Promise<SourceSpec> {
  const p = resolve(arg);
  if (isFile(p) && extname(p).toLowerCase() === '.csv') return { kind: 'csv', csv: p };
  if (opts.labels !== undefined && isDir(p))
    return { kind: 'seed', images: seedImagesDir(p), labels: resolve(opts.labels) };
  if (isDir(p)) {
    const own = join(p, LABEL_FILE);
    if (isFile(own)) return { kind: 'seed', images: seedImagesDir(p), labels: own };
    const parent = join(dirname(p), LABEL_FILE);
    if (isFile(parent) && (await hasImageFiles(p))) return { kind: 'seed', images: p, labels: parent };
  }
  if (opts.labels !== undefined && isFile(p) && hasIdxImageMagic(p)) {
    return { kind: 'idx', images: p, labels: resolve(opts.labels) };
  }
  const idx = findIdxFiles(p);
  if (idx)
    return { kind: 'idx', images: idx.images, labels: opts.labels ? resolve(opts.labels) : idx.labels };
  if (isDir(p)) {
    const entries = await readDirOrThrow(p);
    const hasImages = entries.some(isImageEntry);
    const hasFolders = entries.some(
      (d) => !d.name.startsWith('.') && (d.isDirectory() || d.isSymbolicLink()),
    );
    if (hasFolders && !hasImages) return { kind: 'imagefolder', root: p };
    if (hasImages) {
      throw new Error(
        `${shortPath(p)} holds images but no ${LABEL_FILE}: pass --labels <file>, or sort the images into one folder per class`,
      );
    }
    throw new Error(`${shortPath(p)} holds neither images, class folders, ${LABEL_FILE} nor IDX files`);
  }
  // The same words whether it is missing, unreadable or something else: no oracle for what is there.
  throw new Error(
    `cannot read dataset ${shortPath(p)}: expected an image folder, a .csv file or an IDX file/prefix`,
  );
}

const isImageEntry = (d: Dirent): boolean =>
  !d.name.startsWith('.') && isImageName(d.name) && !d.isDirectory();

async function hasImageFiles(dir: string): Promise<boolean> {
  return (await readDirOrThrow(dir)).some(isImageEntry);
}

/** Whether `file` starts like an IDX images file; opened non-blocking, so a FIFO in its place never blocks. */
function hasIdxImageMagic(file: string): boolean {
  let fd = -1;
  try {
    fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    if (!fstatSync(fd).isFile()) return false;
    const head = Buffer.alloc(4);
    readSync(fd, head, 0, 4, 0);
    return head.equals(Buffer.from([0, 0, 8, 3]));
  } catch {
    return false;
  } finally {
    if (fd >= 0) closeSync(fd);
  }
}

/** Images of a seed dataset: `<dir>/train_img` when it exists, else `<dir>` itself. */
function seedImagesDir(dir: string): string {
  const sub = join(dir, IMAGES_SUBFOLDER);
  return isDir(sub) ? sub : dir;
}

/**
 * Lists the entries of a resolved source (no image is decoded), off the event loop and in slices. Integer labels
 * are named by `naming.names`, else by a classes.txt beside the label file, else by number.
 */
export async function listSource(
  spec: SourceSpec,
  naming: ClassNaming = {},
  limits: DataLimits = DEFAULT_LIMITS,
): Promise<DatasetListing> {
  switch (spec.kind) {
    case 'seed':
      return listSeedSource(spec.images, spec.labels, naming, limits);
    case 'imagefolder':
      if (naming.names)
        throw new Error(
          `${shortPath(spec.root)}: class folders name the classes; --class-names does not apply`,
        );
      return listImageFolderSource(spec.root, limits);
    case 'csv':
      return listCsvSource(spec.csv, naming, limits);
    case 'idx': {
      if (spec.labels) return listIdxSource(spec.images, spec.labels, naming, limits);
      const pair = findIdxFiles(spec.images);
      if (!pair) throw new Error(`${shortPath(spec.images)} is not an IDX images file or prefix`);
      return listIdxSource(pair.images, pair.labels, naming, limits);
    }
  }
}
