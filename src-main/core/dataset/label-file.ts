import { readFileSync } from 'node:fs';

/** Largest label accepted; far above any real class count, low enough to stay an exact int32. */
const MAX_LABEL = 1_000_000;

/**
 * Splits text into lines, accepting LF or CRLF, a UTF-8 BOM and one trailing newline.
 * Line numbers in errors are 1-based: line i of the result is line i+1 of the file.
 */
export function splitLines(text: string): string[] {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const lines = body.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** A non-negative integer class label, or an error naming file and 1-based line. */
export function parseLabel(raw: string, file: string, line: number): number {
  const s = raw.trim();
  if (s === '') throw new Error(`${file}:${line}: blank line; every line must hold one integer label`);
  if (/^-\d+$/.test(s)) throw new Error(`${file}:${line}: negative label ${s}; labels are class ids 0, 1, …`);
  if (!/^\+?\d+$/.test(s)) throw new Error(`${file}:${line}: "${raw}" is not an integer label`);
  const n = Number(s);
  if (n > MAX_LABEL) throw new Error(`${file}:${line}: label ${s} is too large (at most ${MAX_LABEL})`);
  return n;
}

/** label_train.txt: one integer per line, line i = label of the i-th image in natural name order. */
export function readLabelFile(file: string): number[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new Error(`label file ${file} does not exist`);
    if (code === 'EISDIR') throw new Error(`label file ${file} is a folder, not a file`);
    throw new Error(`cannot read label file ${file}: ${(e as Error).message}`);
  }
  const lines = splitLines(text);
  if (lines.length === 0) throw new Error(`label file ${file} is empty`);
  return lines.map((l, i) => parseLabel(l, file, i + 1));
}
