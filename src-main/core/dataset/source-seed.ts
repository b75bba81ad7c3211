import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { assertNoCaseCollisions, listImageNames, noImagesError } from './image-files';
import { readLabelFile } from './label-file';
import { classNamesBeside } from './class-names';
import { integerClasses, type ClassNaming, type FileListing } from './source-types';

/**
 * The seed format: a folder of images plus label_train.txt, whose line i is the label of the i-th
 * image in natural file-name order (so unpadded `img2.jpg` comes before `img10.jpg`).
 */
export function listSeedSource(imagesDir: string, labelFile: string, naming: ClassNaming = {}): FileListing {
  const dir = resolve(imagesDir);
  const names = listImageNames(dir);
  if (names.length === 0) throw noImagesError(dir);
  assertNoCaseCollisions(names, dir);
  const labelPath = resolve(labelFile);
  const labels = readLabelFile(labelPath);
  if (labels.length !== names.length) {
    throw new Error(
      `${labelPath} has ${labels.length} labels but ${dir} has ${names.length} images; ` +
        `line i must be the label of the i-th image in name order`,
    );
  }
  const beside = naming.names ? null : classNamesBeside(labelPath);
  const classes = integerClasses(
    labels,
    { file: labelPath, at: (i) => `${labelPath}:${i + 1}` },
    beside ? { ...naming, names: beside.names, namesSource: beside.file } : naming,
  );
  return {
    format: 'seed',
    root: realpathSync(dir),
    labelSource: labelPath,
    entries: names.map((path, i) => ({ path, label: labels[i] })),
    classes,
  };
}
