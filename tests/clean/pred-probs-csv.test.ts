import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePredProbsCsv, readPredProbsCsv } from '../../src-main/core/clean';
import { tempDir } from '../helpers/tmp';
import { loadFmnist } from './fixtures';

describe('pred-probs CSV', () => {
  it('reads the fixture bit-exact (17 significant digits)', () => {
    const { labels, probs, n, K } = loadFmnist();
    expect([n, K, labels.length, probs.length]).toEqual([10000, 10, 10000, 100000]);
    expect(labels[0]).toBe(9);
    expect(probs[9]).toBe(0.98046079642157757);
  });

  it('header is optional; CRLF, BOM and blank lines are fine', () => {
    const a = parsePredProbsCsv('label,p0,p1\n1,0.25,0.75\n0,1,0\n');
    const b = parsePredProbsCsv('\ufeff1,0.25,0.75\r\n\r\n0,1e0,0\r\n');
    for (const r of [a, b]) {
      expect([r.n, r.K, Array.from(r.labels), Array.from(r.probs)]).toEqual([
        2,
        2,
        [1, 0],
        [0.25, 0.75, 1, 0],
      ]);
    }
  });

  it('errors name the file and the 1-based line', () => {
    const dir = tempDir();
    const file = join(dir, 'p.csv');
    const cases: [string, string][] = [
      ['label,p0,p1\n0,0.5,0.5\n1,0.5\n', `${file}:3: expected 3 columns (as in the header), found 2`],
      ['0,0.5,0.5\n1,0.5,abc\n', `${file}:2: column 3 (p1) 'abc' is not a number`],
      ['0,0.5,0.5\n1,0.5,\n', `${file}:2: column 3 (p1) '' is not a number`],
      ['0,0.5,0.5\n2,0.5,0.5\n', `${file}:2: label '2' is not an integer class index in 0..1`],
      ['0,0.5,0.5\n1.5,0.5,0.5\n', `${file}:2: label '1.5'`],
      ['0,1\n', `${file}:1: expected a label and at least two probabilities`],
      ['label,p0,p1\n', `${file}: no data rows`],
    ];
    for (const [text, message] of cases) {
      writeFileSync(file, text);
      expect(() => readPredProbsCsv(file)).toThrow(message);
    }
    expect(() => readPredProbsCsv(join(dir, 'missing.csv'))).toThrow(
      `cannot read probability CSV ${join(dir, 'missing.csv')} (it is missing, unreadable or not a regular file)`,
    );
  });
});
