import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { numLabelIssues } from '../../src-main/core/clean';
import { exportLabels } from '../../src-main/core/export/export';
import { migrate } from '../../src-main/core/store/migrations';
import { Project } from '../../src-main/core/store/project';
import { computeIssueSet } from '../../src-main/core/workflows/label-issues';
import { roundSummaries, stopSignalOf } from '../../src-main/core/workflows/rounds';
import { defaultTrainingLabels, labelsForTraining } from '../../src-main/core/workflows/training-data';
import type { TrainingLabels } from '../../src-shared/domain';
import { makeProject, targets } from '../helpers/project-fixture';
import { tempDir } from '../helpers/tmp';

/** The schema version that added cleaning rounds to issue sets. */
const ROUNDS_SCHEMA = 7;

const N = 40;
/** Samples 0–19 are class 0, 20–39 class 1; these six look like the other class to the model. */
const FLIPPED = [3, 7, 11, 25, 30, 35];
const givenLabels = Array.from({ length: N }, (_, i) => (i < 20 ? 0 : 1));

/** A finished cross-validation run on `labels` whose probabilities point the flipped samples at the other class. */
function fakeRun(p: Project, labels: TrainingLabels, excluded: number[] = []): number {
  const id = p.runs.create('cv', { folds: 2, labels });
  const values = new Float32Array(N * 2);
  for (let i = 0; i < N; i++) {
    const own = givenLabels[i];
    const pOwn = FLIPPED.includes(i) ? 0.1 + i * 0.001 : 0.9 - i * 0.001;
    values[i * 2 + own] = pOwn;
    values[i * 2 + 1 - own] = 1 - pOwn;
    if (excluded.includes(i)) values.fill(NaN, i * 2, i * 2 + 2);
  }
  p.runs.finish(id, { status: 'done', probs: { numClasses: 2, values } });
  return id;
}

const rank = (p: Project, run: number) =>
  computeIssueSet(p, { runId: run, filterBy: 'prune_by_noise_rate', rankedBy: 'self_confidence' });
const queued = (p: Project, setId: number) =>
  p.issues.page(setId, { status: 'all' }, 0, 1000).rows.map((r) => r.sampleIndex);

describe('the reviewed-label dataset', () => {
  it('applies relabels, leaves excluded images out and keeps the sample order', () => {
    const p = makeProject(tempDir(), [0, 1, 1, 0, 1, 0]);
    expect(defaultTrainingLabels(p)).toBe('given');
    p.decisions.record(targets(p, [1]), 'relabel', 0, 'ann');
    p.decisions.record(targets(p, [4]), 'exclude', null, 'ann');
    p.decisions.record(targets(p, [5]), 'keep', null, 'ann');
    expect(defaultTrainingLabels(p)).toBe('reviewed');

    const reviewed = labelsForTraining(p, 'reviewed');
    expect(Array.from(reviewed.labels)).toEqual([0, 0, 1, 0, 1, 0]);
    expect(Array.from(reviewed.include)).toEqual([0, 1, 2, 3, 5]);
    expect(reviewed).toMatchObject({ relabeled: 1, excluded: 1 });

    const given = labelsForTraining(p, 'given');
    expect(Array.from(given.labels)).toEqual([0, 1, 1, 0, 1, 0]);
    expect(Array.from(given.include)).toEqual([0, 1, 2, 3, 4, 5]);
    p.close();
  });
});

describe('cleaning rounds', () => {
  it('a later round questions the reviewed labels and never re-queues a decided image', async () => {
    const dir = tempDir();
    const p = makeProject(dir, givenLabels);
    const set1 = rank(p, fakeRun(p, 'given'));
    const round1 = queued(p, set1.id);
    expect(set1).toMatchObject({ round: 1, labels: 'given', skippedDecided: 0 });
    expect([...round1].sort((a, b) => a - b)).toEqual(FLIPPED);
    // cleanlab's own figure when nothing is decided yet
    expect(set1.estimatedErrors).toBe(
      numLabelIssues(Int32Array.from(givenLabels), Float64Array.from(p.runs.probs(set1.runId)!.values), 2),
    );

    // Round 1 review: two real errors fixed (one relabel, one exclusion), one issue kept.
    p.decisions.record(targets(p, [3]), 'relabel', 1, 'ann');
    p.decisions.record(targets(p, [25]), 'exclude', null, 'ann');
    p.decisions.record(targets(p, [7]), 'keep', null, 'ann');

    const set2 = rank(p, fakeRun(p, 'reviewed', [25]));
    const round2 = queued(p, set2.id);
    expect(set2).toMatchObject({ round: 2, labels: 'reviewed' });
    for (const decided of [3, 7, 25]) expect(round2).not.toContain(decided);
    expect([...round2].sort((a, b) => a - b)).toEqual([11, 30, 35]);
    // 7 (kept) is still flagged by the model but its decision stands: counted as skipped, not queued.
    expect(set2.skippedDecided).toBe(1);
    expect(set2.estimatedErrors).toBe(3);

    // Re-ranking the same run stays in its round; a new run starts the next one.
    expect(rank(p, set2.runId).round).toBe(2);
    p.decisions.record(targets(p, [11]), 'relabel', 1, 'ann');
    const set3 = rank(p, fakeRun(p, 'reviewed', [25]));
    expect(set3.round).toBe(3);
    expect(queued(p, set3.id)).not.toContain(11);

    // Round 1's decisions survive rounds 2 and 3 and reach the export.
    const byPath = new Map(p.decisions.current().map((d) => [d.sampleIndex, d]));
    expect(byPath.get(3)).toMatchObject({ action: 'relabel', finalLabel: 1 });
    expect(byPath.get(25)).toMatchObject({ action: 'exclude' });
    expect(byPath.get(7)).toMatchObject({ action: 'keep', finalLabel: 0 });
    const out = join(dir, 'export');
    await exportLabels(p, out);
    const exported = readFileSync(join(out, 'label_train.txt'), 'utf8').trim().split('\n').map(Number);
    expect(exported[3]).toBe(1);
    expect(exported[11]).toBe(1);
    expect(readFileSync(join(out, 'excluded.txt'), 'utf8')).toBe('img25.png\n');

    // Per round: flagged, reviewed, confirmed errors, kept (the latest set of each round).
    expect(
      roundSummaries(p).map((r) => [r.round, r.labels, r.flagged, r.reviewed, r.confirmedErrors, r.kept]),
    ).toEqual([
      [1, 'given', 6, 4, 3, 1],
      [2, 'reviewed', 3, 1, 1, 0],
      [3, 'reviewed', 2, 0, 0, 0],
    ]);
    expect(stopSignalOf(p)).toMatchObject({ setId: set3.id, round: 3, flagged: 2, reviewed: 0 });
    p.close();
  });

  it('an older project gets one round per run, in order, when its schema is upgraded', () => {
    const path = join(tempDir(), 'old.relabel');
    const db = new Database(path);
    migrate(db, path, ROUNDS_SCHEMA - 1);
    db.exec(`INSERT INTO runs (kind, status, dataset_gen, config_json, started_at) VALUES
      ('cv', 'done', 1, '{}', 't'), ('cv', 'done', 1, '{}', 't')`);
    db.exec(`INSERT INTO issue_sets (run_id, filter_by, ranked_by, created_at, dataset_gen) VALUES
      (1, 'both', 'self_confidence', 't', 1), (2, 'both', 'self_confidence', 't', 1),
      (2, 'prune_by_class', 'self_confidence', 't', 1)`);
    migrate(db, path);
    const rows = db.prepare(`SELECT id, round, labels FROM issue_sets ORDER BY id`).all();
    expect(rows).toEqual([
      { id: 1, round: 1, labels: 'given' },
      { id: 2, round: 2, labels: 'given' },
      { id: 3, round: 2, labels: 'given' },
    ]);
    db.close();
  });
});
