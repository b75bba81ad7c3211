import { readFileSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import type { ClassInfo } from '../../../src-shared/domain';
import { parseCsvLine } from './csv-lines';
import { assertNoCaseCollisions, toPosix } from './image-files';
import { parseLabel, splitLines } from './label-file';
import { classNamesBeside } from './class-names';
import { integerClasses, type ClassNaming, type FileListing } from './source-types';

const PATH_COLUMNS = ['path', 'file', 'filename', 'image', 'filepath'];
const LABEL_COLUMNS = ['label', 'class', 'target'];

/**
 * A CSV with a header naming a path column and a label column (`path,label`). Relative paths are
 * resolved against the CSV's folder, which becomes the dataset root; paths leaving it are refused.
 * Labels are either all integers (used as class ids) or class names (ids by code-point order of the
 * unique names). Samples keep the row order.
 */
export function listCsvSource(csvFile: string, naming: ClassNaming = {}): FileListing {
  const file = resolve(csvFile);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`cannot read CSV ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const lines = splitLines(text);
  if (lines.length === 0) throw new Error(`${file} is empty; expected a header line such as "path,label"`);
  const header = parseCsvLine(lines[0], file, 1).map((h) => h.trim().toLowerCase());
  const pathCol = header.findIndex((h) => PATH_COLUMNS.includes(h));
  const labelCol = header.findIndex((h) => LABEL_COLUMNS.includes(h));
  if (pathCol < 0 || labelCol < 0) {
    throw new Error(
      `${file}:1: the header must name a path column and a label column (e.g. "path,label"), got "${lines[0]}"`,
    );
  }
  const root = realpathSync(dirname(file));
  const paths: string[] = [];
  const rawLabels: string[] = [];
  const firstLine = new Map<string, number>();
  for (let i = 1; i < lines.length; i++) {
    const lineNo = i + 1;
    if (lines[i].trim() === '') throw new Error(`${file}:${lineNo}: blank line`);
    const fields = parseCsvLine(lines[i], file, lineNo);
    if (fields.length !== header.length) {
      throw new Error(`${file}:${lineNo}: ${fields.length} fields, the header has ${header.length}`);
    }
    const path = toRootRelative(root, fields[pathCol], file, lineNo);
    const label = fields[labelCol].trim();
    if (label === '') throw new Error(`${file}:${lineNo}: empty label`);
    const seen = firstLine.get(path);
    if (seen !== undefined) throw new Error(`${file}:${lineNo}: ${path} is already listed on line ${seen}`);
    firstLine.set(path, lineNo);
    paths.push(path);
    rawLabels.push(label);
  }
  if (paths.length === 0) throw new Error(`${file} lists no images (only a header)`);
  assertNoCaseCollisions(paths, file);
  const { labels, classes } = labelsOf(rawLabels, file, naming);
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
  if (p === '') throw new Error(`${file}:${lineNo}: empty path`);
  const rel = relative(root, resolve(root, p));
  if (rel === '' || rel.split(sep)[0] === '..' || isAbsolute(rel)) {
    throw new Error(
      `${file}:${lineNo}: ${raw} is outside the CSV's folder ${root}; put the CSV in the dataset folder or above it`,
    );
  }
  return toPosix(rel);
}

/** Integer labels (named by classes.txt or the caller, else by number), or class names as labels. */
function labelsOf(
  raw: string[],
  file: string,
  naming: ClassNaming,
): { labels: number[]; classes: ClassInfo[] } {
  if (raw.every((l) => /^\d+$/.test(l))) {
    const labels = raw.map((l, i) => parseLabel(l, file, i + 2));
    const beside = naming.names ? null : classNamesBeside(file);
    const classes = integerClasses(
      labels,
      { file, at: (i) => `${file}:${i + 2}` },
      beside ? { ...naming, names: beside.names, namesSource: beside.file } : naming,
    );
    return { labels, classes };
  }
  if (naming.names)
    throw new Error(`${file} names its classes in its label column; --class-names does not apply`);
  const names = [...new Set(raw)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (names.length === 1) throw new Error(`only one class (label "${names[0]}") in ${file}, need at least 2`);
  const id = new Map(names.map((n, i) => [n, i]));
  return { labels: raw.map((l) => id.get(l)!), classes: names.map((name, i) => ({ id: i, name })) };
}
