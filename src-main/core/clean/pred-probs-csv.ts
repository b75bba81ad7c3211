import { readRegularFileSync } from '../dataset/regular-file';
import { DEFAULT_LIMITS, tooManyClasses } from '../limits';
import { excerpt } from '../quote';

/** Labels and out-of-fold probabilities read from a CSV `label,p0,…,p{K-1}`. */
export interface PredProbsCsv {
  labels: Int32Array;
  /** Row-major n×K. */
  probs: Float64Array;
  n: number;
  K: number;
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Parses CSV text: one row per example, the given label (integer 0..K−1) then K probabilities; an optional
 * header line (first field not a number, e.g. `label,p0,p1`) is skipped; blank lines are ignored. Every row must
 * have the same number of columns. Errors name `source` and the 1-based line.
 */
export function parsePredProbsCsv(
  text: string,
  source = '<csv>',
  maxClasses = DEFAULT_LIMITS.maxClasses,
): PredProbsCsv {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const lines = text.split(/\r\n|\n|\r/);
  let columns = -1;
  let headerSeen = false;
  const labels: number[] = [];
  let probs = new Float64Array(1024);
  let used = 0;
  for (let li = 0; li < lines.length; li++) {
    const line = lines[li];
    if (line.trim() === '') continue;
    const where = `${source}:${li + 1}`;
    const fields = line.split(',');
    if (columns < 0) {
      columns = fields.length;
      if (columns < 3) {
        throw new Error(
          `${where}: expected a label and at least two probabilities per row (label,p0,p1,…), found ${columns} column${columns === 1 ? '' : 's'}`,
        );
      }
      if (columns - 1 > maxClasses) {
        throw tooManyClasses(where, `${columns - 1} probability columns`, { ...DEFAULT_LIMITS, maxClasses });
      }
      if (!DECIMAL.test(fields[0].trim())) {
        headerSeen = true;
        continue;
      }
    }
    if (fields.length !== columns) {
      throw new Error(
        `${where}: expected ${columns} columns${headerSeen ? ' (as in the header)' : ''}, found ${fields.length}`,
      );
    }
    const K = columns - 1;
    const labelText = fields[0].trim();
    const label = DECIMAL.test(labelText) ? Number(labelText) : NaN;
    if (!Number.isInteger(label) || label < 0 || label >= K) {
      throw new Error(`${where}: label '${excerpt(labelText)}' is not an integer class index in 0..${K - 1}`);
    }
    labels.push(label);
    if (used + K > probs.length) {
      const grown = new Float64Array(Math.max(probs.length * 2, used + K));
      grown.set(probs.subarray(0, used));
      probs = grown;
    }
    for (let j = 0; j < K; j++) {
      const field = fields[j + 1].trim();
      if (!DECIMAL.test(field)) {
        throw new Error(`${where}: column ${j + 2} (p${j}) '${excerpt(field)}' is not a number`);
      }
      probs[used++] = Number(field);
    }
  }
  if (labels.length === 0) throw new Error(`${source}: no data rows`);
  const K = columns - 1;
  return { labels: Int32Array.from(labels), probs: probs.slice(0, used), n: labels.length, K };
}

/** Reads (a regular file, at most the size limit) and parses a pred-probs CSV file (see `parsePredProbsCsv`). */
export function readPredProbsCsv(path: string, maxClasses = DEFAULT_LIMITS.maxClasses): PredProbsCsv {
  const text = readRegularFileSync(path, 'probability CSV', DEFAULT_LIMITS.maxFileBytes).toString('utf8');
  return parsePredProbsCsv(text, path, maxClasses);
}
