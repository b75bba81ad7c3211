import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportLabels } from '../../src-main/core/export/export';
import { Project } from '../../src-main/core/store/project';
import { computeIssueSet } from '../../src-main/core/workflows/label-issues';
import { cleanedLabels } from '../../src-main/core/workflows/training-data';
import {
  answerQueue,
  flippedBinaryTruth,
  readNoiseTruth,
  SIMULATED_ANNOTATOR,
} from '../../src-main/core/workflows/simulated-annotator';
import type { TrainingLabels } from '../../src-shared/domain';
import { makeProject } from '../helpers/project-fixture';
import { tempDir } from '../helpers/tmp';

const N = 40;
/** The true classes: samples 0–19 are class 0, 20–39 class 1. */
const clean = Array.from({ length: N }, (_, i) => (i < 20 ? 0 : 1));
/** The flipped labels (noise_truth.txt); 2’s flip is one the first model cannot see. */
const FLIPPED = [2, 3, 11, 25];
const given = clean.map((l, i) => (FLIPPED.includes(i) ? 1 - l : l));

/** A finished cross-validation run whose model doubts exactly `doubted` (low probability for the label trained on). */
function fakeRun(p: Project, labels: TrainingLabels, doubted: number[]): number {
  const trained = labels === 'given' ? given : cleanedLabels(p).labels;
  const id = p.runs.create('cv', { folds: 2, labels });
  const values = new Float32Array(N * 2);
  for (let i = 0; i < N; i++) {
    const pGiven = doubted.includes(i) ? 0.1 + i * 0.001 : 0.9 - i * 0.001;
    values[i * 2 + trained[i]] = pGiven;
    values[i * 2 + 1 - trained[i]] = 1 - pGiven;
  }
  p.runs.finish(id, { status: 'done', probs: { numClasses: 2, values } });
  return id;
}

const rank = (p: Project, run: number) =>
  computeIssueSet(p, { runId: run, filterBy: 'prune_by_noise_rate', rankedBy: 'self_confidence' });
const queued = (p: Project, setId: number) =>
  p.issues.page(setId, { status: 'all' }, 0, 1000).rows.map((r) => r.sampleIndex);

function truthFile(dir: string, text: string): string {
  const file = join(dir, 'noise_truth.txt');
  writeFileSync(file, text);
  return file;
}

describe('the simulated annotator', () => {
  it('relabels true flips to their true class, keeps the rest, and round 2 never re-queues them', async () => {
    const dir = tempDir();
    const path = join(dir, 'p.relabel');
    let p = makeProject(dir, given);
    const truth = flippedBinaryTruth(readNoiseTruth(truthFile(dir, FLIPPED.join('\n') + '\n'), N), 2);

    // Round 1: the model doubts three flips and one correct image (7); it misses flip 2.
    const set1 = rank(p, fakeRun(p, 'given', [3, 7, 11, 25]));
    expect([...queued(p, set1.id)].sort((a, b) => a - b)).toEqual([3, 7, 11, 25]);
    expect(answerQueue(p, truth)).toEqual({
      setId: set1.id,
      round: 1,
      reviewed: 4,
      relabelled: 3,
      kept: 1,
      alreadyDecided: 0,
    });

    // The decisions are ordinary ones, one per issue, and persist in the project file.
    p.close();
    p = Project.open(path);
    const byIndex = new Map(p.decisions.current().map((d) => [d.sampleIndex, d]));
    expect(byIndex.size).toBe(4);
    for (const i of [3, 11, 25]) {
      expect(byIndex.get(i)).toMatchObject({
        action: 'relabel',
        finalLabel: clean[i],
        annotator: 'simulated',
      });
    }
    expect(byIndex.get(7)).toMatchObject({ action: 'keep', finalLabel: 0, annotator: SIMULATED_ANNOTATOR });
    expect(new Set(p.decisions.allEvents().map((e) => e.batchId)).size).toBe(4);

    // Answering again changes nothing.
    expect(answerQueue(p, truth)).toMatchObject({ reviewed: 0, alreadyDecided: 4 });

    // Round 2 on the reviewed labels: the model now sees flip 2 and still doubts 7 (kept: its decision stands).
    const set2 = rank(p, fakeRun(p, 'reviewed', [7, 2]));
    expect(set2).toMatchObject({ round: 2, labels: 'reviewed', skippedDecided: 1 });
    expect(queued(p, set2.id)).toEqual([2]);
    expect(answerQueue(p, truth, { setId: set2.id })).toMatchObject({ round: 2, reviewed: 1, relabelled: 1 });
    const set3 = rank(p, fakeRun(p, 'reviewed', [2, 3, 7, 11, 25]));
    expect(queued(p, set3.id)).toEqual([]);

    // Every flip is fixed in the export; the kept image keeps its label.
    const out = join(dir, 'export');
    await exportLabels(p, out);
    const exported = readFileSync(join(out, 'label_train.txt'), 'utf8').trim().split('\n').map(Number);
    expect(exported).toEqual(clean);
    // The audit trail names the simulated annotator on every decision.
    const audit = JSON.parse(readFileSync(join(out, 'decisions.json'), 'utf8')) as { annotator: string }[];
    expect(audit.map((d) => d.annotator)).toEqual(Array(5).fill('simulated'));
    p.close();
  });

  it('answers only the first issues when given a limit', () => {
    const dir = tempDir();
    const p = makeProject(dir, given);
    rank(p, fakeRun(p, 'given', [3, 7, 11, 25]));
    const truth = flippedBinaryTruth(new Set(FLIPPED), 2);
    expect(answerQueue(p, truth, { limit: 2, annotator: 'bot' })).toMatchObject({ reviewed: 2 });
    expect(p.decisions.current().map((d) => d.annotator)).toEqual(['bot', 'bot']);
    expect(answerQueue(p, truth)).toMatchObject({ reviewed: 2, alreadyDecided: 2 });
    p.close();
  });

  it('refuses a queue that does not exist', () => {
    const p = makeProject(tempDir(), given);
    expect(() => answerQueue(p, flippedBinaryTruth(new Set(), 2))).toThrow(/train first/);
    expect(() => answerQueue(p, flippedBinaryTruth(new Set(), 2), { setId: 9 })).toThrow(/#9 does not exist/);
    p.close();
  });
});

describe('noise_truth.txt', () => {
  it('reads 0-based line numbers and names the file and line of a bad one', () => {
    const dir = tempDir();
    expect([...readNoiseTruth(truthFile(dir, '4\n0\n\n9\n'), 10)]).toEqual([4, 0, 9]);
    expect(() => readNoiseTruth(truthFile(dir, '1\nx2\n'), 10)).toThrow(
      /noise_truth\.txt:2: "x2" is not a 0-based line number/,
    );
    expect(() => readNoiseTruth(truthFile(dir, '1\n10\n'), 10)).toThrow(/:2: line 10 is out of range/);
    expect(() => readNoiseTruth(truthFile(dir, '3\n3\n'), 10)).toThrow(/:2: line 3 is listed twice/);
  });

  it('answers two classes only: it does not say which class a flipped label came from', () => {
    const truth = flippedBinaryTruth(new Set([1]), 2);
    expect([truth(0, 1), truth(1, 1), truth(1, 0)]).toEqual([1, 0, 1]);
    expect(() => flippedBinaryTruth(new Set([1]), 3)).toThrow(/2-class dataset only \(this one has 3\)/);
  });
});
