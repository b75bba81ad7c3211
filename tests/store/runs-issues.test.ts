import { describe, expect, it } from 'vitest';
import { makeProject, importLabels } from '../helpers/project-fixture';
import { tempDir } from '../helpers/tmp';

describe('runs', () => {
  it('saves folds as they finish, probabilities and metrics at the end', () => {
    const p = makeProject(tempDir(), [0, 1, 1, 0]);
    const id = p.runs.create('cv', { folds: 2, model: 'baseline' });
    p.runs.setBackend(id, 'wasm');
    p.runs.saveFold(id, {
      fold: 1,
      testIndices: Int32Array.from([1, 3]),
      probs: Float32Array.from([0.2, 0.8, 0.9, 0.1]),
      curve: [{ epoch: 1, loss: 0.5, accuracy: 0.7 }],
      backend: 'wasm',
    });
    const folds = p.runs.folds(id);
    expect(Array.from(folds[0].testIndices)).toEqual([1, 3]);
    expect(folds[0].probs[1]).toBeCloseTo(0.8);
    expect(p.runs.latest(['cv'])).toBeUndefined();
    p.runs.finish(id, {
      status: 'done',
      probs: { numClasses: 2, values: new Float32Array(8).fill(0.5) },
      notes: ['n'],
    });
    expect(p.runs.latest(['cv'])?.id).toBe(id);
    expect(p.runs.probs(id)?.values).toHaveLength(8);
    expect(p.runs.get(id)).toMatchObject({ status: 'done', backend: 'wasm', notes: ['n'] });
    // After a re-import the run no longer describes the live dataset.
    importLabels(p, [1, 0, 1, 0]);
    expect(p.runs.latest(['cv'])).toBeUndefined();
    p.close();
  });

  it('marks runs left running by a dead process as interrupted', () => {
    const p = makeProject(tempDir(), [0, 1]);
    const id = p.runs.create('cv', {});
    expect(p.runs.markInterrupted()).toEqual([id]);
    expect(p.runs.get(id)?.status).toBe('cancelled');
    p.close();
  });
});

describe('issue sets', () => {
  it('pages issues in rank order with filters and review status', () => {
    const p = makeProject(tempDir(), [0, 1, 1, 0, 1, 2]);
    const run = p.runs.create('cv', {});
    const set = p.issues.save(run, 'prune_by_noise_rate', 'self_confidence', [
      { sampleIndex: 4, path: 'img4.png', givenLabel: 1, suggestedLabel: 0, quality: 0.01 },
      { sampleIndex: 0, path: 'img0.png', givenLabel: 0, suggestedLabel: 1, quality: 0.05 },
      { sampleIndex: 5, path: 'img5.png', givenLabel: 2, suggestedLabel: 1, quality: 0.2 },
    ]);
    expect(set).toMatchObject({ count: 3, filterBy: 'prune_by_noise_rate' });
    expect(p.issues.latest()?.id).toBe(set.id);
    p.decisions.record([{ index: 0, path: 'img0.png', givenLabel: 0 }], 'keep', null, 'a');
    expect(p.issues.reviewedCount(set.id)).toBe(1);
    const all = p.issues.page(set.id, { status: 'all' }, 0, 10);
    expect(all.rows.map((r) => [r.rank, r.sampleIndex, r.decided])).toEqual([
      [1, 4, false],
      [2, 0, true],
      [3, 5, false],
    ]);
    expect(p.issues.page(set.id, { status: 'undecided' }, 0, 10).rows.map((r) => r.sampleIndex)).toEqual([
      4, 5,
    ]);
    expect(p.issues.page(set.id, { status: 'all', suggestedClass: 1 }, 0, 10).total).toBe(2);
    expect(p.issues.page(set.id, { status: 'all', givenClass: 2 }, 0, 10).rows[0].sampleIndex).toBe(5);
    expect(p.issues.page(set.id, { status: 'all', minQuality: 0.02, maxQuality: 0.1 }, 0, 10).total).toBe(1);
    expect(p.issues.page(set.id, { status: 'all' }, 1, 1).rows.map((r) => r.rank)).toEqual([2]);
    p.close();
  });
});
