import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportLabels } from '../../src-main/core/export/export';
import { writeFileAtomic } from '../../src-main/core/export/atomic-write';
import { csvField } from '../../src-main/core/export/csv';
import { makeProject, targets } from '../helpers/project-fixture';
import { tempDir } from '../helpers/tmp';

describe('export', () => {
  it('writes label_train.txt in order with decisions applied, excluded.txt and the audit', () => {
    const dir = tempDir();
    const p = makeProject(dir, [0, 1, 1, 0, 1]);
    p.decisions.record(targets(p, [1]), 'relabel', 0, 'alice');
    p.decisions.record(targets(p, [3]), 'exclude', null, 'bob');
    p.decisions.record(targets(p, [4]), 'keep', null, 'alice');
    const out = join(dir, 'out');
    const r = exportLabels(p, out);
    expect(r.counts).toEqual({ total: 5, relabeled: 1, excluded: 1, kept: 1, undecided: 2 });
    expect(readFileSync(join(out, 'label_train.txt'), 'utf8')).toBe('0\n0\n1\n0\n1\n');
    expect(readFileSync(join(out, 'excluded.txt'), 'utf8')).toBe('img3.png\n');
    const csv = readFileSync(join(out, 'decisions.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('index,file,given,final,action,annotator,time');
    expect(csv.slice(1).map((l) => l.split(',').slice(0, 6).join(','))).toEqual([
      '1,img1.png,1,0,relabel,alice',
      '3,img3.png,0,,exclude,bob',
      '4,img4.png,1,1,keep,alice',
    ]);
    const json = JSON.parse(readFileSync(join(out, 'decisions.json'), 'utf8'));
    expect(json).toHaveLength(3);
    expect(readdirSync(out).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    p.close();
  });

  it('refuses a project without a dataset', () => {
    const dir = tempDir();
    const p = makeProject(dir, [0, 1]);
    p.db.prepare(`DELETE FROM meta WHERE key = 'dataset'`).run();
    expect(() => exportLabels(p, join(dir, 'o'))).toThrow(/no dataset yet/);
    p.close();
  });

  it('replaces files atomically and cleans up its temp file on failure', () => {
    const dir = tempDir();
    const f = join(dir, 'a.txt');
    writeFileSync(f, 'old');
    writeFileAtomic(f, 'new content');
    expect(readFileSync(f, 'utf8')).toBe('new content');
    expect(() => writeFileAtomic(join(dir, 'missing-dir', 'x.txt'), 'x')).toThrow();
    expect(readdirSync(dir)).toEqual(['a.txt']);
  });

  it('quotes CSV fields that need it', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField(null)).toBe('');
    expect(csvField(3)).toBe('3');
  });
});
