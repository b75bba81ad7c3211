import { yielder } from '../cooperative';
import { DEFAULT_LIMITS, MAX_LINE_BYTES, MAX_SAMPLES, type DataLimits } from '../limits';
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
 * Calls `onLine(line, lineNo)` for each line of the UTF-8 `bytes` (LF, CRLF or CR; a leading BOM skipped; a final
 * line break ends the last line). Lines are found by a byte scan and decoded one at a time, so a 50 MB file is
 * never turned into one string nor split into an array; a line longer than MAX_LINE_BYTES is refused before it
 * is decoded or scanned further; the event loop runs every few hundred lines. `onLine` returns false to stop early.
 * Resolves with the number of lines visited.
 */
export async function eachLine(
  bytes: Buffer,
  file: string,
  onLine: (line: string, lineNo: number) => boolean | void,
): Promise<number> {
  const pause = yielder();
  let start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  let lineNo = 0;
  while (start < bytes.length) {
    // The line ends at the first LF or CR (CRLF counts once). The scan stops one byte past the longest allowed
    // line: a 16 MB line is refused after 64 KB, not searched to its end.
    const limit = Math.min(bytes.length, start + MAX_LINE_BYTES + 1);
    let end = start;
    while (end < limit && bytes[end] !== 10 && bytes[end] !== 13) end++;
    const next = bytes[end] === 13 && bytes[end + 1] === 10 ? end + 2 : end + 1;
    lineNo++;
    if (end - start > MAX_LINE_BYTES) {
      throw new Error(
        `${shortPath(file)}:${lineNo}: the line is over ${MAX_LINE_BYTES.toLocaleString('en-US')} bytes long: ` +
          `"${excerpt(bytes.toString('utf8', start, start + 320))}"`,
      );
    }
    if (onLine(bytes.toString('utf8', start, end), lineNo) === false) return lineNo;
    start = next;
    if ((lineNo & 255) === 0) await pause();
  }
  return lineNo;
}

/**
 * label_train.txt: one integer per line, line i = label of the i-th image in natural name order. Read off the
 * event loop (a regular file only, at most `limits.maxFileBytes`) and parsed line by line in slices, stopping at
 * the first line past the images it must label (`images`) or past MAX_SAMPLES.
 */
export async function readLabelFile(
  file: string,
  limits: DataLimits = DEFAULT_LIMITS,
  images?: { count: number; dir: string },
): Promise<number[]> {
  const bytes = await readRegularFile(file, 'label file', limits.maxFileBytes);
  const most = Math.min(images?.count ?? MAX_SAMPLES, MAX_SAMPLES);
  const labels: number[] = [];
  const lines = await eachLine(bytes, file, (line, lineNo) => {
    labels.push(parseLabel(line, file, lineNo, limits.maxClasses));
    // One line past the images is parsed (its own error, such as a blank line, is the clearer one), then stop.
    return lineNo <= most;
  });
  if (lines === 0) throw new Error(`label file ${shortPath(file)} is empty`);
  if (images && lines !== images.count) {
    const counted = lines > most ? `more than ${images.count} labels` : `${lines} labels`;
    throw new Error(
      `${shortPath(file)} has ${counted} but ${shortPath(images.dir)} has ${images.count} images; ` +
        `line i must be the label of the i-th image in name order`,
    );
  }
  if (lines > MAX_SAMPLES) throw tooManySamples(file);
  return labels;
}

export function tooManySamples(where: string): Error {
  return new Error(
    `${shortPath(where)} lists more than ${MAX_SAMPLES.toLocaleString('en-US')} images, the most one dataset may have`,
  );
}
