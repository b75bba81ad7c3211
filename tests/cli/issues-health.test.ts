import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { constructed, DIM, projectWith } from '../helpers/health-fixture';
import { relabel } from '../helpers/run-cli';
import { tempDir } from '../helpers/tmp';

describe('relabel issues --out: duplicates and outliers in issues.csv', () => {
  it('lists exact duplicates always, near-duplicates and outliers with --health', () => {
    const n = 200;
    const { bits, copies, far } = constructed(n, 7);
    const hashes = Array.from({ length: n }, (_, i) => `h${i}`);
    hashes[90] = hashes[30];
    const labels = Array.from({ length: n }, () => 0);
    labels[90] = 1;
    const dir = tempDir();
    const project = projectWith(dir, hashes, labels);
    const runId = project.runs.create('imported', {});
    const probs = new Float32Array(n * 2);
    labels.forEach((l, i) => {
      probs[i * 2 + l] = 0.9;
      probs[i * 2 + 1 - l] = 0.1;
    });
    project.runs.finish(runId, { status: 'done', probs: { numClasses: 2, values: probs } });
    project.embeddings.saveChunk(project.datasetGeneration, 'abc:net/x:96x96', 0, DIM, bits);
    const path = project.path;
    project.close();
    const csv = join(dir, 'issues.csv');
    const rowsOf = () => readFileSync(csv, 'utf8').trim().split('\n').slice(1);

    const plain = relabel(['issues', '--project', path, '--out', csv]);
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stdout).toContain(`written to ${csv} with 2 duplicates`);
    expect(rowsOf()).toEqual([',30,img30.png,0,,,duplicate,90', ',90,img90.png,1,,,duplicate,30']);

    const scanned = relabel(['issues', '--project', path, '--out', csv, '--health']);
    expect(scanned.code, scanned.stderr).toBe(0);
    expect(scanned.stdout).toMatch(/with \d+ duplicates and 4 outliers/);
    const rows = rowsOf().map((r) => r.split(','));
    const typesOf = (i: number) => rows.find((r) => r[1] === String(i))?.[6];
    for (const [a, b] of copies) {
      expect(typesOf(a)).toMatch(/duplicate/);
      expect(rows.find((r) => r[1] === String(a))?.[7].split(';')).toContain(String(b));
    }
    for (const i of [50, ...far]) expect(typesOf(i)).toMatch(/outlier/);
  }, 120_000);
});
