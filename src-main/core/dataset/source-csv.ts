import { realpath } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import type { ClassInfo } from '../../../src-shared/domain';
import { parseCsvLine } from './csv-lines';
import { assertNoCaseCollisions, toPosix } from './image-files';
import { DEFAULT_LIMITS, MAX_SAMPLES, tooManyClasses, type DataLimits } from '../limits';
import { excerpt, shortPath } from '../quote';
import { classNamesBeside } from './class-names';
import { eachLine, parseLabel, tooManySamples } from './label-file';
import { readRegularFile } from './regular-file';
import { assertClassCeiling, integerClasses, type ClassNaming, type FileListing } from './source-types';

const PATH_COLUMNS = ['path', 'file', 'filename', 'image', 'filepath'];
const LABEL_COLUMNS = ['label', 'class', 'target'];

/**
 * A CSV with a header naming a path column and a label column (`path,label`). Relative paths are
 * resolved against the CSV's folder, which becomes the dataset root; paths leaving it are refused.
 * Labels are either all integers (used as class ids) or class names (ids by code-point order of the
 * unique names). Samples keep the row order.
 */
export async function listCsvSource(
  csvFile: string,
  naming: ClassNaming = {},
  limits: DataLimits = DEFAULT_LIMITS,
): Promise<FileListing> {
  const file = resolve(csvFile);
  const bytes = await readRegularFile(file, 'CSV', limits.maxFileBytes);
  let header: string[] | null = null;
  let pathCol = -1;
  let labelCol = -1;
  const root = await realpath(dirname(file));
  const paths: string[] = [];
  const rawLabels: string[] = [];
  const firstLine = new Map<string, number>();
  const lines = await eachLine(bytes, file, (line, lineNo) => {
    if (header === null) {
      header = parseCsvLine(line, file, 1).map((h) => h.trim().toLowerCase());
      pathCol = header.findIndex((h) => PATH_COLUMNS.includes(h));
      labelCol = header.findIndex((h) => LABEL_COLUMNS.includes(h));
      if (pathCol < 0 || labelCol < 0) {
        throw new Error(
          `${shortPath(file)}:1: the header must name a path column and a label column (e.g. "path,label"), got "${excerpt(line)}"`,
        );
      }
      return;
    }
    const where = `${shortPath(file)}:${lineNo}`;
    if (paths.length >= MAX_SAMPLES) throw tooManySamples(file);
    if (line.trim() === '') throw new Error(`${where}: blank line`);
    const fields = parseCsvLine(line, file, lineNo);
    if (fields.length !== header.length) {
      throw new Error(`${where}: ${fields.length} fields, the header has ${header.length}`);
    }
    const path = toRootRelative(root, fields[pathCol], file, lineNo);
    const label = fields[labelCol].trim();
    if (label === '') throw new Error(`${where}: empty label`);
    const seen = firstLine.get(path);
    if (seen !== undefined) throw new Error(`${where}: ${shortPath(path)} is already listed on line ${seen}`);
    firstLine.set(path, lineNo);
    paths.push(path);
    rawLabels.push(label);
  });
  if (lines === 0)
    throw new Error(`${shortPath(file)} is empty; expected a header line such as "path,label"`);
  if (paths.length === 0) throw new Error(`${shortPath(file)} lists no images (only a header)`);
  await assertNoCaseCollisions(paths, file);
  const { labels, classes } = await labelsOf(rawLabels, file, naming, limits);
  return {
    format: 'csv',
    root,
    labelSource: file,
    entries: paths.map((path, i) => ({ path, label: labels[i] })),
    classes,
  };
}

function toRootRelative(root: string, raw: string, file: string, lineNo: number): string {
  // CSVs written on Windows use backslashes; on every OS a backslash in a dataset path means a folder.
  const p = raw.trim().replace(/\\/g, '/');
  if (p === '') throw new Error(`${shortPath(file)}:${lineNo}: empty path`);
  const rel = relative(root, resolve(root, p));
  if (rel === '' || rel.split(sep)[0] === '..' || isAbsolute(rel)) {
    throw new Error(
      `${shortPath(file)}:${lineNo}: ${excerpt(raw)} is outside the CSV's folder ${shortPath(root)}; put the CSV in the dataset folder or above it`,
    );
  }
  return toPosix(rel);
}

/** Integer labels (named by classes.txt or the caller, else by number), or class names as labels. */
async function labelsOf(
  raw: string[],
  file: string,
  naming: ClassNaming,
  limits: DataLimits,
): Promise<{ labels: number[]; classes: ClassInfo[] }> {
  if (raw.every((l) => /^\d+$/.test(l))) {
    const labels = raw.map((l, i) => parseLabel(l, file, i + 2, limits.maxClasses));
    const beside = naming.names ? null : await classNamesBeside(file);
    const classes = integerClasses(
      labels,
      { file, at: (i) => `${shortPath(file)}:${i + 2}` },
      beside ? { ...naming, names: beside.names, namesSource: beside.file } : naming,
    );
    assertClassCeiling(classes, file, limits);
    return { labels, classes };
  }
  if (naming.names)
    throw new Error(`${file} names its classes in its label column; --class-names does not apply`);
  const names = [...new Set(raw)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (names.length === 1)
    throw new Error(`only one class (label "${excerpt(names[0])}") in ${shortPath(file)}, need at least 2`);
  if (names.length > limits.maxClasses) {
    throw tooManyClasses(shortPath(file), `${names.length.toLocaleString('en-US')} class names`, limits);
  }
  const id = new Map(names.map((n, i) => [n, i]));
  return { labels: raw.map((l) => id.get(l)!), classes: names.map((name, i) => ({ id: i, name })) };
}
