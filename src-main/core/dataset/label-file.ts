import { yielder } from '../cooperative';
import { DEFAULT_LIMITS, MAX_LINE_CHARS, type DataLimits } from '../limits';
import { excerpt, shortPath } from '../quote';
import { readRegularFile } from './regular-file';

/**
 * Splits text into lines, accepting LF, CRLF or CR alone (old Mac files), a UTF-8 BOM and one trailing line
 * break. Line numbers in errors are 1-based: line i of the result is line i+1 of the file.
 */
export function splitLines(text: string): string[] {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const lines = body.split(/\r\n|\n|\r/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Throws when a line is too long to be a label or a CSV record (the file is not what it claims to be). */
export function assertLineLength(line: string, file: string, lineNo: number): void {
  if (line.length > MAX_LINE_CHARS) {
    throw new Error(
      `${shortPath(file)}:${lineNo}: the line is ${line.length.toLocaleString('en-US')} characters long ` +
        `(at most ${MAX_LINE_CHARS.toLocaleString('en-US')}): "${excerpt(line)}"`,
    );
  }
}

/**
 * A non-negative integer class label below `maxClasses`, or an error naming file and 1-based line; the line is
 * quoted at most 80 characters long, control characters escaped.
 */
export function parseLabel(
  raw: string,
  file: string,
  line: number,
  maxClasses = DEFAULT_LIMITS.maxClasses,
): number {
  const where = `${shortPath(file)}:${line}`;
  const s = raw.trim();
  if (s === '') throw new Error(`${where}: blank line; every line must hold one integer label`);
  if (/^-\d+$/.test(s))
    throw new Error(`${where}: negative label ${excerpt(s)}; labels are class ids 0, 1, …`);
  if (!/^\+?\d+$/.test(s)) throw new Error(`${where}: "${excerpt(raw)}" is not an integer label`);
  const n = Number(s);
  if (n >= maxClasses) {
    throw new Error(
      `${where}: label ${excerpt(s)} is not below the limit of ${maxClasses.toLocaleString('en-US')} classes ` +
        `(class ids 0–${maxClasses - 1}); raise it with --max-classes if this is really so`,
    );
  }
  return n;
}

/**
 * label_train.txt: one integer per line, line i = label of the i-th image in natural name order. Read off the
 * event loop (a regular file only, at most `limits.maxFileBytes`) and parsed in slices. With `images`, the
 * line count must equal their count.
 */
export async function readLabelFile(
  file: string,
  limits: DataLimits = DEFAULT_LIMITS,
  images?: { count: number; dir: string },
): Promise<number[]> {
  const text = (await readRegularFile(file, 'label file', limits.maxFileBytes)).toString('utf8');
  const lines = splitLines(text);
  if (lines.length === 0) throw new Error(`label file ${shortPath(file)} is empty`);
  const pause = yielder();
  const labels = new Array<number>(lines.length);
  for (let i = 0; i < lines.length; i++) {
    assertLineLength(lines[i], file, i + 1);
    labels[i] = parseLabel(lines[i], file, i + 1, limits.maxClasses);
    if ((i & 4095) === 0) await pause();
  }
  if (images && lines.length !== images.count) {
    throw new Error(
      `${shortPath(file)} has ${lines.length} labels but ${shortPath(images.dir)} has ${images.count} images; ` +
        `line i must be the label of the i-th image in name order`,
    );
  }
  return labels;
}
