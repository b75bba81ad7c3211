import { isAbsolute, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePredProbsCsv } from '../../src-main/core/clean/pred-probs-csv';
import { validateInputs } from '../../src-main/core/clean/validate';
import { parseCsvLine } from '../../src-main/core/dataset/csv-lines';
import { listCsvSource } from '../../src-main/core/dataset/source-csv';
import { scratchDir } from '../durability/scratch';
import {
  check,
  describeStats,
  fuzz,
  int,
  mulberry32,
  mutateText,
  pickOne,
  randomLine,
  randomText,
  writeCaseFile,
  type Rng,
} from './fuzz-kit';

const CASES = 10_000;

/** A CSV field, quoted when it must be (comma, quote) and sometimes when it need not be. */
const quoteMaybe = (rng: Rng, s: string): string =>
  /[",]/.test(s) || rng() < 0.2 ? `"${s.replace(/"/g, '""')}"` : s;

/** A well-formed dataset CSV: a header naming path and label columns, then one row per image. */
function validDatasetCsv(rng: Rng): string {
  const pathCol = pickOne(rng, ['path', 'file', 'filename', 'image', 'filepath', 'Path']);
  const labelCol = pickOne(rng, ['label', 'class', 'target']);
  const extra = rng() < 0.3;
  const named = rng() < 0.4;
  const header = [quoteMaybe(rng, pathCol), quoteMaybe(rng, labelCol), ...(extra ? ['note'] : [])];
  const rows = Array.from({ length: int(rng, 1, 30) }, (_, i) => {
    const dir = pickOne(rng, ['', 'a/', 'b/c/', 'x y/', 'a\\']);
    const path = quoteMaybe(rng, `${dir}img${i}${pickOne(rng, ['.png', '.jpg', ',1.png'])}`);
    const label = named ? pickOne(rng, ['cat', 'dog', 'bird', 'a,b']) : String(int(rng, 0, 4));
    return [path, quoteMaybe(rng, label), ...(extra ? [quoteMaybe(rng, randomLine(rng, 2))] : [])];
  });
  return [header, ...rows].map((r) => r.join(',')).join(rng() < 0.2 ? '\r\n' : '\n') + '\n';
}

/** A well-formed pred-probs CSV: `label,p0,…` rows whose probabilities sum to 1, maybe with a header. */
function validProbsCsv(rng: Rng): string {
  const k = int(rng, 2, 5);
  const rows = Array.from({ length: int(rng, 1, 30) }, () => {
    const raw = Array.from({ length: k }, () => rng() + 1e-3);
    const sum = raw.reduce((s, x) => s + x, 0);
    return [String(int(rng, 0, k - 1)), ...raw.map((x) => String(x / sum))].join(',');
  });
  const header = ['label', ...Array.from({ length: k }, (_, j) => `p${j}`)].join(',');
  return (rng() < 0.5 ? [header, ...rows] : rows).join('\n') + '\n';
}

function textCase(rng: Rng, valid: (rng: Rng) => string): { kind: string; text: string } {
  const kind = pickOne(rng, ['valid', 'mutated', 'mutated', 'random'] as const);
  const text =
    kind === 'valid' ? valid(rng) : kind === 'mutated' ? mutateText(rng, valid(rng)) : randomText(rng);
  return { kind, text };
}

describe('fuzz: CSV parsers', () => {
  it(`dataset CSV: lists or clearly refuses ${CASES} malformed, huge and random files; never a path outside its folder`, async () => {
    const dir = scratchDir();
    const file = join(dir, 'data.csv');
    const rng = mulberry32(0xc5f001);
    const stats = await fuzz(
      CASES,
      (i) => {
        const { kind, text } = textCase(rng, validDatasetCsv);
        return {
          label: `case ${i} (${kind}, ${text.length} chars)`,
          run: async () => {
            writeCaseFile(file, text);
            const listing = await listCsvSource(file);
            check(listing.entries.length > 0, 'no entries');
            for (const e of listing.entries) {
              const rel = relative(listing.root, resolve(listing.root, e.path));
              check(
                rel !== '' && !rel.startsWith('..') && !isAbsolute(rel),
                `${e.path} leaves ${listing.root}`,
              );
              check(!e.path.includes('\\'), `${e.path} keeps a backslash`);
              check(
                listing.classes.some((c) => c.id === e.label),
                `label ${e.label} without a class`,
              );
            }
            check(listing.classes.length >= 2, 'fewer than 2 classes');
          },
        };
      },
      (e, label) =>
        check(e.message.includes(file), `${label}: the error does not name the file: ${e.message}`),
    );
    expect(stats.accepted).toBeGreaterThan(CASES / 20);
    console.log(describeStats('dataset CSV (listCsvSource)', stats));

    // The record splitter alone, on single random lines (quotes, commas, control characters).
    const lineStats = await fuzz(
      CASES,
      (i) => {
        const line = rng() < 0.5 ? randomLine(rng, 12) : mutateText(rng, randomLine(rng, 12));
        return {
          label: `line ${i}: ${JSON.stringify(line.slice(0, 60))}`,
          run: () => {
            const fields = parseCsvLine(line, 'x.csv', 7);
            check(fields.length >= 1 && fields.every((f) => typeof f === 'string'), 'bad fields');
          },
        };
      },
      (e, label) => check(e.message.startsWith('x.csv:7: '), `${label}: unclear error ${e.message}`),
    );
    console.log(describeStats('CSV record splitter (parseCsvLine)', lineStats));
  });

  it(`pred-probs CSV: parses or clearly refuses ${CASES} malformed, huge and random files`, async () => {
    const rng = mulberry32(0xc5f002);
    let validated = 0;
    const stats = await fuzz(
      CASES,
      (i) => {
        const { kind, text } = textCase(rng, validProbsCsv);
        return {
          label: `case ${i} (${kind}, ${text.length} chars)`,
          run: () => {
            const p = parsePredProbsCsv(text, 'probs.csv');
            check(
              p.n >= 1 && p.K >= 2 && p.labels.length === p.n && p.probs.length === p.n * p.K,
              'bad shape',
            );
            check(
              p.labels.every((l) => l >= 0 && l < p.K),
              'label out of range',
            );
            // What find-issues does next: accepted or refused with a message naming the row.
            try {
              validateInputs(p.labels, p.probs, p.K);
              validated++;
            } catch (e) {
              check(
                e instanceof Error && /row \d+|class|label/.test(e.message),
                `unclear: ${(e as Error).message}`,
              );
            }
          },
        };
      },
      (e, label) =>
        check(e.message.startsWith('probs.csv'), `${label}: the error does not name the file: ${e.message}`),
    );
    expect(validated).toBeGreaterThan(CASES / 10);
    console.log(describeStats('pred-probs CSV (parsePredProbsCsv + validateInputs)', stats));
  });
});
