import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readLabelFile, splitLines } from '../../src-main/core/dataset/label-file';
import { scratchDir } from '../durability/scratch';
import {
  check,
  describeStats,
  fuzz,
  int,
  mulberry32,
  mutateText,
  pickOne,
  randomText,
  writeCaseFile,
  type Rng,
} from './fuzz-kit';

const CASES = 10_000;

/** A well-formed label file, with the variations real ones have (CRLF, BOM, spaces, no final newline). */
function validLabels(rng: Rng): string {
  const lines = Array.from({ length: int(rng, 1, 40) }, () => {
    const n = String(int(rng, 0, rng() < 0.9 ? 9 : 999));
    return rng() < 0.1 ? ` ${n}\t` : n;
  });
  const text = lines.join(rng() < 0.2 ? '\r\n' : '\n') + (rng() < 0.8 ? '\n' : '');
  return rng() < 0.1 ? '\ufeff' + text : text;
}

describe('fuzz: label file (label_train.txt)', () => {
  it(`parses or clearly refuses ${CASES} malformed, huge and random label files`, async () => {
    const file = join(scratchDir(), 'label_train.txt');
    const rng = mulberry32(0xf022a1);
    const stats = await fuzz(
      CASES,
      (i) => {
        const kind = pickOne(rng, ['valid', 'mutated', 'mutated', 'random'] as const);
        const text =
          kind === 'valid'
            ? validLabels(rng)
            : kind === 'mutated'
              ? mutateText(rng, validLabels(rng))
              : randomText(rng);
        return {
          label: `case ${i} (${kind}, ${text.length} chars)`,
          run: async () => {
            writeCaseFile(file, text);
            const labels = await readLabelFile(file);
            // Accepted: exactly one non-negative integer per line, as written.
            const lines = splitLines(text);
            check(labels.length === lines.length, `${labels.length} labels for ${lines.length} lines`);
            labels.forEach((l, k) =>
              check(
                l >= 0 && l < 1_000 && l === Number(lines[k].trim()),
                `line ${k + 1} "${lines[k]}" read as ${l}`,
              ),
            );
          },
        };
      },
      (e, label) =>
        check(e.message.includes(file), `${label}: the error does not name the file: ${e.message}`),
    );
    expect(stats.accepted).toBeGreaterThan(CASES / 10);
    expect(stats.rejected).toBeGreaterThan(CASES / 10);
    console.log(describeStats('label_train.txt parser', stats));
  });
});
