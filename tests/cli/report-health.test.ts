import { describe, expect, it } from 'vitest';
import { constructed, DIM, projectWith } from '../helpers/health-fixture';
import { relabel } from '../helpers/run-cli';
import { tempDir } from '../helpers/tmp';

describe('relabel report: dataset health', () => {
  it('lists exact duplicates always, near-duplicates and outliers with --health', () => {
    const n = 200;
    const { bits, far } = constructed(n, 7);
    const hashes = Array.from({ length: n }, (_, i) => `h${i}`);
    hashes[90] = hashes[30];
    const labels = Array.from({ length: n }, () => 0);
    labels[90] = 1;
    const project = projectWith(tempDir(), hashes, labels);
    const path = project.path;
    try {
      const plain = relabel(['report', '--project', path]);
      expect(plain.code).toBe(0);
      expect(plain.stdout).toMatch(
        /duplicates: 1 group\(s\), 1 redundant image\(s\); 1 group\(s\) with conflicting labels/,
      );
      expect(plain.stdout).toContain('LABELS DISAGREE exact: img30.png (a), img90.png (b)');
      expect(plain.stdout).toMatch(/--model pretrained/);

      project.embeddings.saveChunk(project.datasetGeneration, 'abc:net/x:96x96', 0, DIM, bits);
      expect(relabel(['report', '--project', path]).stdout).toMatch(
        /add --health to compare every pair of the 200/,
      );
      const scanned = relabel(['report', '--project', path, '--health']);
      expect(scanned.code).toBe(0);
      expect(scanned.stdout).toMatch(
        /near, cosine ≥ (?:0\.9\d\d|1\.000): [^\n]*img3\.png \(a\), [^\n]*img150\.png \(a\)/,
      );
      const outliers = scanned.stdout.split('outliers (')[1].split('\n').slice(1, 4).join('\n');
      for (const i of [50, ...far]) expect(outliers).toContain(`img${i}.png`);

      const json = JSON.parse(relabel(['report', '--project', path, '--json', '--health']).stdout);
      expect(json.health.status).toBe('ok');
      // The exact pair may join a near group of its neighbours: conflicting labels put that group first.
      const first = json.health.duplicateGroups[0] as {
        labelsDisagree: boolean;
        members: { index: number }[];
      };
      expect(first.labelsDisagree).toBe(true);
      expect(first.members.map((m) => m.index)).toEqual(expect.arrayContaining([30, 90]));
    } finally {
      project.close();
    }
  }, 120_000);
});
