import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeDemoDataset } from '../../src-main/core/dataset/demo';
import { importDataset } from '../../src-main/core/dataset/import';
import { Project } from '../../src-main/core/store/project';
import { runCrossValidation } from '../../src-main/core/workflows/cross-validation-run';
import { computeIssueSet } from '../../src-main/core/workflows/label-issues';
import { tempDir } from '../helpers/tmp';

/**
 * The product's promise on data with known noise: K-fold training on the wasm backend plus confident
 * learning finds most of the injected label flips, and most of what it flags is a real flip.
 * Floors are set below the measured values of this seeded run (precision 0.56, recall 0.67 on 1,000
 * drawn 64 px faces; the 20,000-image Fashion-MNIST bench reaches 0.99 / 0.99).
 */
const PRECISION_FLOOR = 0.45;
const RECALL_FLOOR = 0.55;

describe('label-noise recovery on demo data', () => {
  it('finds injected flips with precision and recall above the floors', async () => {
    const dir = tempDir();
    const demo = await writeDemoDataset(join(dir, 'data'), {
      count: 1000,
      size: 64,
      noise: 0.1,
      seed: 11,
      source: 'procedural',
    });
    const project = Project.create(join(dir, 'p.relabel'));
    try {
      await importDataset(project, join(dir, 'data', 'train_img'), { onBadImage: 'stop' });
      const runId = await runCrossValidation(project, {
        folds: 4,
        epochs: 15,
        backend: 'wasm',
        workers: 2,
        seed: 7,
      });
      const set = computeIssueSet(project, {
        runId,
        filterBy: 'prune_by_noise_rate',
        rankedBy: 'self_confidence',
      });
      const flagged = project.issues
        .page(set.id, { status: 'all' }, 0, 1_000_000)
        .rows.map((r) => r.sampleIndex);
      const truth = new Set(demo.flipped);
      const hits = flagged.filter((i) => truth.has(i)).length;
      const precision = hits / Math.max(1, flagged.length);
      const recall = hits / truth.size;
      console.log(
        `[noise recovery] ${truth.size} flips, ${flagged.length} flagged, precision ${precision.toFixed(3)}, recall ${recall.toFixed(3)}`,
      );
      expect(precision).toBeGreaterThanOrEqual(PRECISION_FLOOR);
      expect(recall).toBeGreaterThanOrEqual(RECALL_FLOOR);
    } finally {
      project.close();
    }
  }, 600_000);
});
