import { realpath } from 'node:fs/promises';
import { resolve } from 'node:path';
import { DEFAULT_LIMITS, type DataLimits } from '../limits';
import { assertNoCaseCollisions, listImageNames, noImagesError } from './image-files';
import { readLabelFile } from './label-file';
import { classNamesBeside } from './class-names';
import { assertClassCeiling, integerClasses, type ClassNaming, type FileListing } from './source-types';

/**
 * The seed format: a folder of images plus label_train.txt, whose line i is the label of the i-th
 * image in natural file-name order (so unpadded `img2.jpg` comes before `img10.jpg`).
 */
export async function listSeedSource(
  imagesDir: string,
  labelFile: string,
  naming: ClassNaming = {},
  limits: DataLimits = DEFAULT_LIMITS,
): Promise<FileListing> {
  const dir = resolve(imagesDir);
  const names = await listImageNames(dir);
  if (names.length === 0) throw noImagesError(dir);
  await assertNoCaseCollisions(names, dir);
  const labelPath = resolve(labelFile);
  const labels = await readLabelFile(labelPath, limits, { count: names.length, dir });
  const beside = naming.names ? null : await classNamesBeside(labelPath);
  const classes = integerClasses(
    labels,
    { file: labelPath, at: (i) => `${labelPath}:${i + 1}` },
    beside ? { ...naming, names: beside.names, namesSource: beside.file } : naming,
  );
  assertClassCeiling(classes, labelPath, limits);
  return {
    format: 'seed',
    root: await realpath(dir),
    labelSource: labelPath,
    entries: names.map((path, i) => ({ path, label: labels[i] })),
    classes,
  };
}
