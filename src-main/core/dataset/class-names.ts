import { existsSync, readFileSync, statSync } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { shortPath } from '../quote';
import { readRegularFile } from './regular-file';
import { splitLines } from './label-file';

/** The optional file beside a label file that names the classes: line k is the name of class k. */
export const CLASS_NAMES_FILE = 'classes.txt';

const MAX_NAME_LENGTH = 200;

/** Class names from `classes.txt` lines: non-empty, distinct, printable; errors name the file and line. */
export function parseClassNames(text: string, file: string): string[] {
  const lines = splitLines(text);
  if (lines.length < 2)
    throw new Error(`${file} names ${lines.length} class(es); a dataset needs at least 2`);
  const seen = new Map<string, number>();
  return lines.map((raw, i) => {
    const name = raw.trim();
    const line = i + 1;
    if (name === '') throw new Error(`${file}:${line}: blank line; line k must hold the name of class k-1`);
    if (name.length > MAX_NAME_LENGTH)
      throw new Error(
        `${file}:${line}: a class name of ${name.length} characters (at most ${MAX_NAME_LENGTH})`,
      );
    // eslint-disable-next-line no-control-regex -- exactly what is refused
    if (/[\u0000-\u001f\u007f]/.test(name))
      throw new Error(`${file}:${line}: a class name with control characters`);
    const first = seen.get(name);
    if (first !== undefined) throw new Error(`${file}:${line}: "${name}" already names class ${first}`);
    seen.set(name, i);
    return name;
  });
}

/**
 * The class names of `classes.txt` next to `labelFile`, or null when there is none. Read off the event loop, a
 * regular file of at most 1 MB, and only from the label file's own folder: a classes.txt that is a link leading
 * elsewhere is refused (its lines would otherwise become class names anyone reviewing could read).
 */
export async function classNamesBeside(labelFile: string): Promise<{ names: string[]; file: string } | null> {
  const file = join(dirname(labelFile), CLASS_NAMES_FILE);
  const info = await stat(file).catch(() => null);
  if (!info?.isFile()) return null;
  const [realFile, realFolder] = await Promise.all([realpath(file), realpath(dirname(labelFile))]);
  if (dirname(realFile) !== realFolder) {
    throw new Error(
      `${shortPath(file)} is a link leading out of its folder; refusing to read class names from it`,
    );
  }
  const text = (await readRegularFile(realFile, 'class names file', MAX_CLASS_NAMES_BYTES)).toString('utf8');
  return { names: parseClassNames(text, file), file };
}

const MAX_CLASS_NAMES_BYTES = 1024 * 1024;

/**
 * `--class-names`: a file with one name per line when the value is an existing file, else a comma-separated
 * list ("hat or glasses,plain face").
 */
export function classNamesArgument(value: string): { names: string[]; source: string } {
  if (existsSync(value) && statSync(value).isFile()) {
    return { names: parseClassNames(readFileSync(value, 'utf8'), value), source: value };
  }
  return { names: parseClassNames(value.split(',').join('\n'), '--class-names'), source: '--class-names' };
}
