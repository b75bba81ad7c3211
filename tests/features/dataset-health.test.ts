import { describe, expect, it } from 'vitest';
import { HEALTH_TOP, NEAR_DUPLICATE_SIMILARITY, OUTLIER_NEIGHBOURS } from '../../src-shared/health';
import {
  groupsOf,
  mostSimilar,
  sameHashLinks,
  scanEmbeddings,
  topOutliers,
} from '../../src-main/core/features/dataset-health';
import { decodeFloat16, encodeFloat16 } from '../../src-main/core/features/float16';
import { mulberry32 } from '../../src-main/core/random/seeded';
import { EmbeddingMatrix } from '../../src-main/core/features/linalg';
import { cosineIndex } from '../../src-main/core/features/nearest';
import { createService } from '../../src-main/core/service';
import { datasetHealth } from '../../src-main/core/workflows/dataset-health';
import { constructed, DIM, projectWith } from '../helpers/health-fixture';
import { tempDir } from '../helpers/tmp';

const matrixOf = (bits: Uint16Array, n: number) =>
  EmbeddingMatrix.create(n, DIM, (rows, stride) => {
    for (let i = 0; i < n; i++) rows.set(bits.subarray(i * DIM, (i + 1) * DIM), i * stride);
  });

/** Every pairwise cosine similarity by the definition, in float64 (NaN where a row is all zeros). */
function similarities(values: Float32Array, n: number): Float64Array[] {
  const norm = (i: number) => Math.hypot(...values.subarray(i * DIM, (i + 1) * DIM));
  return Array.from({ length: n }, (_, a) =>
    Float64Array.from({ length: n }, (_, b) => {
      let dot = 0;
      for (let d = 0; d < DIM; d++) dot += values[a * DIM + d] * values[b * DIM + d];
      return dot / (norm(a) * norm(b));
    }),
  );
}

/** The all-zero row (50) and the far-off rows of the fixture are the three top outliers. */
function expectPlantedOutliersFirst(outliers: { index: number }[], far: number[]): void {
  expect(
    outliers
      .slice(0, 3)
      .map((o) => o.index)
      .sort((a, b) => a - b),
  ).toEqual([50, ...far]);
}

describe('near-duplicates and outliers from embeddings', () => {
  const n = 200; // more than one block of query rows (64)
  const { bits, copies, far } = constructed(n, 7);
  const sims = similarities(decodeFloat16(bits), n);
  const scan = scanEmbeddings(cosineIndex(matrixOf(bits, n)), { threshold: 0.995, k: 5, maxPairs: 1000 });

  it('finds exactly the pairs a brute-force scan finds above the threshold, most similar first', () => {
    const want: string[] = [];
    for (let a = 0; a < n; a++)
      for (let b = a + 1; b < n; b++) if (sims[a][b] >= 0.995) want.push(`${a}-${b}`);
    expect(scan.pairs.map((p) => `${p.a}-${p.b}`).sort()).toEqual(want.sort());
    for (const [from, to] of copies) expect(want).toContain(`${from}-${to}`);
    scan.pairs.forEach((p) => expect(p.similarity).toBeCloseTo(sims[p.a][p.b], 6));
    for (let i = 1; i < scan.pairs.length; i++)
      expect(scan.pairs[i].similarity).toBeLessThanOrEqual(scan.pairs[i - 1].similarity);
    expect(scan.pairsTruncated).toBe(false);
  });

  it('scores each image by 1 − mean similarity to its k nearest, as brute force does; planted outliers rank first', () => {
    for (const i of [0, 3, 50, 77, 150, 199]) {
      const nearest = Array.from(sims[i])
        .filter((s, j) => j !== i && !Number.isNaN(s))
        .sort((x, y) => y - x)
        .slice(0, 5);
      const want = Number.isNaN(sims[i][i]) ? 1 : 1 - nearest.reduce((s, x) => s + x, 0) / nearest.length;
      expect(scan.outlierScores[i]).toBeCloseTo(want, 6);
    }
    expect(topOutliers(scan.outlierScores, 3).sort((a, b) => a - b)).toEqual([50, ...far]);
  });

  it('finds a group of similar outliers as long as it is smaller than about half the neighbours scored', () => {
    // A group hides its members from each other when k ≤ its size (bench/health-quality.ts: 10 noise images
    // ranked 566th–1,424th at k = 10, 1st–10th at k = 20).
    const values = decodeFloat16(bits);
    const group = Array.from({ length: Math.floor(OUTLIER_NEIGHBOURS / 2) }, (_, j) => 100 + j);
    const rng = mulberry32(3);
    for (const i of group)
      for (let d = 0; d < DIM; d++) values[i * DIM + d] = (d % 4 === 1 ? 4 : 0) + rng() * 0.05;
    const bitsWithGroup = encodeFloat16(values);
    const at = (k: number) =>
      scanEmbeddings(cosineIndex(matrixOf(bitsWithGroup, n)), { threshold: 2, k, maxPairs: 0 }).outlierScores;
    const expected = [...group, 50, ...far].sort((a, b) => a - b);
    expect(topOutliers(at(OUTLIER_NEIGHBOURS), expected.length).sort((a, b) => a - b)).toEqual(expected);
    // Scored over fewer neighbours than the group has members, the group is missed.
    expect(topOutliers(at(group.length - 1), expected.length)).not.toEqual(expect.arrayContaining(group));
  });

  it('gives the same answer scanned in shares of query rows (as worker processes share it)', () => {
    const ix = cosineIndex(matrixOf(bits, n));
    const shares = [
      [0, 70],
      [70, 1],
      [71, 129],
    ].map(([first, count]) => scanEmbeddings(ix, { threshold: 0.995, k: 5, maxPairs: 1000, first, count }));
    expect(Array.from(shares.flatMap((s) => Array.from(s.outlierScores)))).toEqual(
      Array.from(scan.outlierScores),
    );
    expect(
      mostSimilar(
        shares.flatMap((s) => s.pairs),
        1000,
      ),
    ).toEqual(scan.pairs);
  });

  it('keeps the most similar pairs when more pass the threshold than it may keep', () => {
    const capped = scanEmbeddings(cosineIndex(matrixOf(bits, n)), { threshold: 0.5, k: 5, maxPairs: 7 });
    const all = scanEmbeddings(cosineIndex(matrixOf(bits, n)), { threshold: 0.5, k: 5, maxPairs: n * n });
    expect(capped.pairsTruncated).toBe(true);
    expect(capped.pairs).toEqual(all.pairs.slice(0, 7));
  });

  it('groups linked images and links same-hash images', () => {
    expect(
      groupsOf([
        [5, 2],
        [9, 5],
        [1, 7],
      ]),
    ).toEqual([
      [1, 7],
      [2, 5, 9],
    ]);
    expect(sameHashLinks(['a', 'b', 'a', 'c', 'a', 'b'])).toEqual([
      [0, 2],
      [0, 4],
      [1, 5],
    ]);
  });
});

describe('the datasetHealth call', () => {
  it('lists exact duplicates (conflicting labels first) without embeddings, and says how to get the rest', async () => {
    const dir = tempDir();
    const hashes = Array.from({ length: 30 }, (_, i) => `h${i}`);
    hashes[12] = hashes[4]; // same labels
    hashes[20] = hashes[6];
    hashes[25] = hashes[6]; // three copies, one with another label
    const labels = hashes.map(() => 0);
    labels[25] = 1;
    const project = projectWith(dir, hashes, labels);
    const path = project.path;
    project.close();
    const service = createService({ projectPath: path, annotator: 'tester' });
    try {
      await service.decide({ sampleIndices: [25], action: 'relabel', newLabel: 0 });
      const r = await service.datasetHealth({});
      expect(r.status).toBe('unavailable');
      expect(r.message).toMatch(/--model pretrained/);
      expect(r.outliers).toEqual([]);
      expect(r.totalDuplicateGroups).toBe(2);
      expect(r.redundantImages).toBe(3);
      expect(r.duplicateGroups.map((g) => [g.kind, g.labelsDisagree, g.members.map((m) => m.index)])).toEqual(
        [
          ['exact', true, [6, 20, 25]],
          ['exact', false, [4, 12]],
        ],
      );
      expect(r.duplicateGroups[0].members[2].decision?.action).toBe('relabel');
      expect(r.duplicateGroups[0].members[2].givenLabel).toBe(1);
    } finally {
      await service.close();
    }
  });

  it('scans stored embeddings in a worker: near-duplicate groups with their labels, and the top outliers', async () => {
    const dir = tempDir();
    const n = 200;
    const { bits, copies, far } = constructed(n, 7);
    const labels = Array.from({ length: n }, (_, i) => i % 2);
    const project = projectWith(
      dir,
      Array.from({ length: n }, (_, i) => `h${i}`),
      labels,
    );
    try {
      const key = 'abc:net/Conv_1/Relu6:96x96';
      project.embeddings.saveChunk(project.datasetGeneration, key, 0, DIM, bits.subarray(0, 100 * DIM));
      const partial = await datasetHealth(project);
      expect(partial.status).toBe('unavailable'); // half the images have no embedding yet
      project.embeddings.saveChunk(project.datasetGeneration, key, 100, DIM, bits.subarray(100 * DIM));

      const progress: number[] = [];
      const r = await datasetHealth(project, { onProgress: (done) => progress.push(done) });
      expect(r.status).toBe('ok');
      expect(r.backbone).toBe('net/Conv_1/Relu6, 96×96 px');
      expect(r.threshold).toBe(NEAR_DUPLICATE_SIMILARITY);
      expect(r.neighbours).toBe(OUTLIER_NEIGHBOURS);
      expect(progress.at(-1)).toBe(n);
      const sims = similarities(decodeFloat16(bits), n);
      // Every planted copy is in a near group; a group is flagged exactly when its given labels differ.
      for (const [from, to] of copies) {
        const g = r.duplicateGroups.find((x) => x.members.some((m) => m.index === from))!;
        expect(g.kind).toBe('near');
        expect(g.members.map((m) => m.index)).toContain(to);
        expect(g.labelsDisagree).toBe(new Set(g.members.map((m) => labels[m.index])).size > 1);
        expect(g.similarity).toBeGreaterThanOrEqual(NEAR_DUPLICATE_SIMILARITY);
      }
      const firstAgreeing = r.duplicateGroups.findIndex((g) => !g.labelsDisagree);
      if (firstAgreeing >= 0)
        expect(r.duplicateGroups.slice(firstAgreeing).every((g) => !g.labelsDisagree)).toBe(true);
      expect(r.duplicateGroups.length).toBeLessThanOrEqual(HEALTH_TOP);
      expectPlantedOutliersFirst(r.outliers, far);
      expect(r.outliers[3].score).toBeLessThan(r.outliers[2].score);
      expect(r.outliers[0].path).toBe(`img${r.outliers[0].index}.png`);
      expect(sims.length).toBe(n);
    } finally {
      project.close();
    }
  }, 60_000);
});

describe('the datasetHealth call on a served project', () => {
  it('answers computing with progress while the scan runs in the background, then the result', async () => {
    const dir = tempDir();
    const n = 200;
    const { bits, far } = constructed(n, 7);
    const project = projectWith(
      dir,
      Array.from({ length: n }, (_, i) => `h${i}`),
      Array.from({ length: n }, () => 0),
    );
    project.embeddings.saveChunk(project.datasetGeneration, 'abc:net/x:96x96', 0, DIM, bits);
    const path = project.path;
    project.close();
    const service = createService({ projectPath: path, annotator: 'tester' });
    try {
      const first = await service.datasetHealth({});
      expect(first.status).toBe('computing');
      expect(first.progress?.total).toBe(n);
      let r = first;
      for (let tries = 0; r.status === 'computing' && tries < 300; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        r = await service.datasetHealth({});
      }
      expect(r.status).toBe('ok');
      expectPlantedOutliersFirst(r.outliers, far);
      expect(r.duplicateGroups.every((g) => !g.labelsDisagree)).toBe(true);
      expect(r.totalDuplicateGroups).toBeGreaterThanOrEqual(3);
    } finally {
      await service.close();
    }
  }, 60_000);

  it('closing the service stops a scan still running', async () => {
    const dir = tempDir();
    const n = 200;
    const project = projectWith(
      dir,
      Array.from({ length: n }, (_, i) => `h${i}`),
      Array.from({ length: n }, () => 0),
    );
    project.embeddings.saveChunk(
      project.datasetGeneration,
      'abc:net/x:96x96',
      0,
      DIM,
      constructed(n, 3).bits,
    );
    const path = project.path;
    project.close();
    const service = createService({ projectPath: path, annotator: 'tester' });
    expect((await service.datasetHealth({})).status).toBe('computing');
    await service.close(); // resolves once the scan's worker is gone (a hang would fail on the test's timeout)
  }, 60_000);
});
