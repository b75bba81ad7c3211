import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HEALTH_TOP, outlierIssueCount } from '../../src-shared/health';
import { writeIssuesCsv, ISSUES_CSV_HEADER } from '../../src-main/core/export/issues-csv';
import { scanEmbeddings, type HealthScan } from '../../src-main/core/features/dataset-health';
import { EmbeddingMatrix } from '../../src-main/core/features/linalg';
import { cosineIndex } from '../../src-main/core/features/nearest';
import { createService } from '../../src-main/core/service';
import type { Project } from '../../src-main/core/store/project';
import { healthIssuesOf } from '../../src-main/core/workflows/health-issues';
import { constructed, DIM, projectWith } from '../helpers/health-fixture';
import { tempDir } from '../helpers/tmp';

const by = { session: 'session-1', annotator: 'ann' };

/**
 * 30 images, two classes. Exact duplicates: 4 = 12 (same label), 6 = 20 = 25 (25 labelled the other way), 8 = 9
 * (labels differ). Label issues of the set: 25 (rank 1), 3 (rank 2). Probabilities: every image 0.9 on its
 * given label, except 9 (0.3).
 */
function constructedProject(dir: string): Project {
  const hashes = Array.from({ length: 30 }, (_, i) => `h${i}`);
  hashes[12] = hashes[4];
  hashes[20] = hashes[6];
  hashes[25] = hashes[6];
  hashes[9] = hashes[8];
  const labels = hashes.map(() => 0);
  labels[25] = 1;
  labels[9] = 1;
  const project = projectWith(dir, hashes, labels);
  const probs = new Float32Array(30 * 2);
  labels.forEach((l, i) => {
    const p = i === 9 ? 0.3 : 0.9;
    probs[i * 2 + l] = p;
    probs[i * 2 + 1 - l] = 1 - p;
  });
  const runId = project.runs.create('imported', {});
  project.runs.finish(runId, { status: 'done', probs: { numClasses: 2, values: probs } });
  project.issues.save(runId, 'prune_by_noise_rate', 'self_confidence', [
    { sampleIndex: 25, path: 'img25.png', givenLabel: 1, suggestedLabel: 0, quality: 0.01 },
    { sampleIndex: 3, path: 'img3.png', givenLabel: 0, suggestedLabel: 1, quality: 0.02 },
  ]);
  return project;
}

function serviceOn(dir: string) {
  const project = constructedProject(dir);
  const path = project.path;
  project.close();
  return createService({ projectPath: path, annotator: 'tester' });
}

describe('duplicates as issues of the review', () => {
  it('lists exact duplicates, groups with conflicting labels first, each with its partners and types', async () => {
    const service = serviceOn(tempDir());
    try {
      const page = await service.getIssues({ filter: { type: 'duplicate' } });
      // Two groups disagree ({6, 20, 25}: three members, before {8, 9}); {4, 12} agrees and comes last.
      expect(page.issues.map((i) => i.sampleIndex)).toEqual([6, 20, 25, 8, 9, 4, 12]);
      expect(page.issues.map((i) => i.rank)).toEqual([1, 2, 3, 4, 5, 6, 7]);
      expect(page.total).toBe(7);
      expect(page.health?.status).toBe('unavailable'); // no embeddings: exact duplicates only
      const i25 = page.issues[2];
      expect(i25.types).toEqual(['label', 'duplicate']); // also a label issue: its score and suggestion stay
      expect([i25.suggestedLabel, i25.quality]).toEqual([0, 0.01]);
      expect(i25.partners.map((p) => [p.index, p.givenLabel, p.exact])).toEqual([
        [6, 0, true],
        [20, 0, true],
      ]);
      // A duplicate that is no label issue: the model's label and its score by the set's method.
      const i9 = page.issues[4];
      expect(i9.types).toEqual(['duplicate']);
      expect(i9.suggestedLabel).toBe(0);
      expect(i9.quality).toBeCloseTo(0.3, 6);
      expect(i9.probs).toHaveLength(2);
      // The default view is unchanged: the set's label issues, each with its types.
      const labels = await service.getIssues({});
      expect(labels.health).toBeNull();
      expect(labels.issues.map((i) => [i.sampleIndex, i.types])).toEqual([
        [25, ['label', 'duplicate']],
        [3, ['label']],
      ]);
      expect(labels.issues[1].partners).toEqual([]);
      // Filters and keyset paging work as for label issues.
      const given1 = await service.getIssues({ filter: { type: 'duplicate', givenClass: 1 } });
      expect(given1.issues.map((i) => i.sampleIndex)).toEqual([25, 9]);
      const after = await service.getIssues({ filter: { type: 'duplicate' }, afterRank: 5, limit: 1 });
      expect([after.total, after.issues.map((i) => i.sampleIndex)]).toEqual([2, [4]]);
    } finally {
      await service.close();
    }
  });

  it('a decision on a duplicate is an ordinary decision: partners show it, status filters see it, undo takes it back', async () => {
    const service = serviceOn(tempDir());
    try {
      await service.decide({ sampleIndices: [9], action: 'relabel', newLabel: 0, by });
      const undecided = await service.getIssues({ filter: { type: 'duplicate', status: 'undecided' } });
      expect(undecided.issues.map((i) => i.sampleIndex)).not.toContain(9);
      const i8 = (await service.getIssues({ filter: { type: 'duplicate' } })).issues[3];
      expect(i8.partners[0].decision).toMatchObject({ action: 'relabel', finalLabel: 0, annotator: 'ann' });
      expect((await service.decisionHistory({ sampleIndex: 9 })).map((e) => e.action)).toEqual(['relabel']);
      await service.undo({ by });
      const again = await service.getIssues({ filter: { type: 'duplicate', status: 'undecided' } });
      expect(again.issues.map((i) => i.sampleIndex)).toContain(9);
    } finally {
      await service.close();
    }
  });

  it('accepts suggestions from label issues only', async () => {
    const service = serviceOn(tempDir());
    try {
      await expect(
        service.acceptSuggestions({ filter: { type: 'duplicate' }, maxQuality: 1 }),
      ).rejects.toMatchObject({ code: 'invalid_input', message: /label issues only/ });
      await expect(
        service.previewAccept({ filter: { type: 'outlier' }, sampleIndices: [9] }),
      ).rejects.toMatchObject({ code: 'invalid_input' });
    } finally {
      await service.close();
    }
  });

  it('writes each row’s types and duplicate partners to issues.csv; duplicates that are no label issue too', () => {
    const dir = tempDir();
    const project = constructedProject(dir);
    try {
      const out = join(dir, 'issues.csv');
      writeIssuesCsv(project, project.issues.latest()!.id, out);
      const lines = readFileSync(out, 'utf8').trim().split('\n');
      expect(lines[0]).toBe(ISSUES_CSV_HEADER.join(','));
      expect(ISSUES_CSV_HEADER.slice(-2)).toEqual(['issue_types', 'duplicate_of']);
      expect(lines.slice(1)).toEqual([
        '1,25,img25.png,1,0,0.01,label;duplicate,6;20',
        '2,3,img3.png,0,1,0.02,label,',
        ',6,img6.png,0,,,duplicate,20;25',
        ',20,img20.png,0,,,duplicate,6;25',
        ',8,img8.png,0,,,duplicate,9',
        ',9,img9.png,1,,,duplicate,8',
        ',4,img4.png,0,,,duplicate,12',
        ',12,img12.png,0,,,duplicate,4',
      ]);
    } finally {
      project.close();
    }
  });
});

describe('the outlier cut', () => {
  it('lists HEALTH_TOP outliers, at most 2 % of the images and at least one', () => {
    expect([1, 10, 200, 2_500, 100_000].map(outlierIssueCount)).toEqual([1, 1, 4, HEALTH_TOP, HEALTH_TOP]);
  });
});

describe('issues.csv with an embedding scan', () => {
  it('adds near-duplicates (their partners) and outliers to the rows and their types', () => {
    const dir = tempDir();
    const project = constructedProject(dir);
    try {
      const outlierScores = new Float64Array(30).fill(0.1);
      outlierScores[3] = 0.9; // a label issue too
      const scan: HealthScan = {
        pairs: [{ a: 12, b: 14, similarity: 0.97 }], // joins 14 to the exact pair {4, 12}
        pairsTruncated: false,
        outlierScores,
      };
      const out = join(dir, 'issues.csv');
      writeIssuesCsv(project, project.issues.latest()!.id, out, scan);
      const lines = readFileSync(out, 'utf8').trim().split('\n').slice(1);
      expect(lines[1]).toBe('2,3,img3.png,0,1,0.02,label;outlier,');
      expect(lines).toContain(',4,img4.png,0,,,duplicate,12;14');
      expect(lines).toContain(',14,img14.png,0,,,duplicate,4;12');
      // Label issues 25 and 3, then 6 and 20 (25 is listed), 8 and 9, 4, 12 and 14; the one outlier (2 % of 30)
      // is image 3, already listed.
      expect(lines).toHaveLength(2 + 2 + 2 + 3);
    } finally {
      project.close();
    }
  });
});

describe('outliers and near-duplicates as issues', () => {
  it('lists the top outliers by score and near-duplicate partners, from the embedding scan', () => {
    const n = 200;
    const { bits, copies, far } = constructed(n, 7);
    const matrix = EmbeddingMatrix.create(n, DIM, (rows, stride) => {
      for (let i = 0; i < n; i++) rows.set(bits.subarray(i * DIM, (i + 1) * DIM), i * stride);
    });
    const scan = scanEmbeddings(cosineIndex(matrix), { threshold: 0.995, k: 5, maxPairs: 1000 });
    const samples = Array.from({ length: n }, (_, i) => ({
      hash: `h${i}`,
      path: `img${i}.png`,
      givenLabel: i % 2,
    }));
    const h = healthIssuesOf(samples, scan);
    expect(h.outliers).toHaveLength(outlierIssueCount(n));
    expect(outlierIssueCount(n)).toBe(4); // 2 % of 200
    expect(h.outliers.slice(0, 3).sort((a, b) => a - b)).toEqual([50, ...far]);
    for (let j = 1; j < h.outliers.length; j++)
      expect(h.outlierScoreOf.get(h.outliers[j])!).toBeLessThanOrEqual(
        h.outlierScoreOf.get(h.outliers[j - 1])!,
      );
    for (const [a, b] of copies) {
      expect(h.groupOf.get(a)?.members).toContain(b);
      expect(h.groupOf.get(a)?.exact).toBe(false);
    }
    // Without a scan: exact duplicates only, no outliers.
    expect(healthIssuesOf(samples, null)).toMatchObject({ duplicates: [], outliers: [] });
  });

  it('the outlier filter starts the scan of a served project, then lists the outliers with their scores', async () => {
    const n = 200;
    const { bits, far } = constructed(n, 7);
    // 200 images with embeddings (planted outliers 50, 77, 123), one label issue (77).
    const big = projectWith(
      tempDir(),
      Array.from({ length: n }, (_, i) => `h${i}`),
      Array.from({ length: n }, () => 0),
    );
    const runId = big.runs.create('imported', {});
    big.runs.finish(runId, {
      status: 'done',
      probs: { numClasses: 2, values: new Float32Array(n * 2).map((_, j) => (j % 2 ? 0.2 : 0.8)) },
    });
    big.issues.save(runId, 'prune_by_noise_rate', 'self_confidence', [
      { sampleIndex: 77, path: 'img77.png', givenLabel: 0, suggestedLabel: 1, quality: 0.1 },
    ]);
    big.embeddings.saveChunk(big.datasetGeneration, 'abc:net/x:96x96', 0, DIM, bits);
    const bigPath = big.path;
    big.close();
    const service = createService({ projectPath: bigPath, annotator: 'tester' });
    try {
      let page = await service.getIssues({ filter: { type: 'outlier' } });
      expect(page.health?.status).toBe('computing');
      expect(page.total).toBe(0);
      for (let tries = 0; page.health?.status === 'computing' && tries < 300; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        page = await service.getIssues({ filter: { type: 'outlier' } });
      }
      expect(page.health?.status).toBe('ok');
      expect(page.total).toBe(4);
      expect(
        page.issues
          .slice(0, 3)
          .map((i) => i.sampleIndex)
          .sort((a, b) => a - b),
      ).toEqual([50, ...far]);
      expect(page.issues[0].outlierScore).toBeGreaterThan(page.issues[3].outlierScore!);
      expect(page.issues.find((i) => i.sampleIndex === 77)?.types).toEqual(['label', 'outlier']);
      // The label view now shows what the finished scan found.
      expect((await service.getIssues({})).issues[0].types).toEqual(['label', 'outlier']);
    } finally {
      await service.close();
    }
  }, 60_000);
});
