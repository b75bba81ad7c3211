/**
 * The review's issue-set menu and the training settings both pages share: how sets are named and picked, the
 * review of an earlier set, another process's decisions reaching an open review, and the settings → run config.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createService, type OwnedService } from '../../src-main/core/service';
import type { IssueSetInfo } from '../../src-shared/domain';
import { issueSetLabel, setIdFor } from '../../src-renderer/review/issue-sets';
import { configFrom, settingsFrom } from '../../src-renderer/train/train-settings';
import { shortDateTime } from '../../src-renderer/lib/format';
import { openReview, reviewProject, settle, Wire } from './review-harness';

const ann = { session: 'session-ann-0001', annotator: 'ann' };
const open: OwnedService[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});
const serviceOn = (path: string, annotator: string) => {
  const s = createService({ projectPath: path, annotator, watchIntervalMs: 0 });
  open.push(s);
  return s;
};

const set = (id: number, extra: Partial<IssueSetInfo> = {}): IssueSetInfo => ({
  id,
  runId: 3,
  runIds: [3],
  filterBy: 'prune_by_noise_rate',
  rankedBy: 'self_confidence',
  count: 1234,
  createdAt: '2026-11-30T12:00:00.000Z',
  datasetGeneration: 1,
  stale: false,
  round: 1,
  labels: 'given',
  estimatedErrors: null,
  skippedDecided: 0,
  ...extra,
});

describe('issue-set menu', () => {
  it('names each set by id, date, method, run and size, marking the latest and out-of-date ones', () => {
    const label = issueSetLabel(set(5), 5);
    expect(label).toMatch(
      /^#5 · .+ · prune by noise rate \(cleanlab default\), ranked by self-confidence · run #3 · 1,234 issues \(latest\)$/,
    );
    expect(label).toContain(shortDateTime('2026-11-30T12:00:00.000Z'));
    expect(issueSetLabel(set(2, { stale: true, filterBy: 'both' }), 5)).toMatch(
      /· both, .* \(out of date\)$/,
    );
    expect(issueSetLabel(set(3), 5)).toMatch(/issues$/);
  });

  it('picking the latest set follows the queue (no id); an earlier one is kept by id', () => {
    const sets = [set(5), set(4), set(2)];
    expect(setIdFor(5, sets)).toBeUndefined();
    expect(setIdFor(4, sets)).toBe(4);
    expect(setIdFor(2, sets)).toBe(2);
  });

  it('the review of an earlier set lists its issues and decides through it; decisions show in every set', async () => {
    const path = reviewProject(12);
    const service = serviceOn(path, 'server');
    const first = (await service.listIssueSets({}))[0];
    // A second ranking: the latest set, the queue (the same 12 issues, ranked otherwise).
    const second = await service.computeIssues({
      filterBy: 'predicted_neq_given',
      rankedBy: 'normalized_margin',
    });
    expect((await service.listIssueSets({})).map((s) => s.id)).toEqual([second.id, first.id]);

    const review = openReview(new Wire(service), ann);
    await review.reload();
    expect(review.list.set?.id).toBe(second.id);

    review.setIssueSet(first.id);
    await review.idle();
    expect(review.list.set?.id).toBe(first.id);
    expect(review.list.total).toBe(12);
    const shown = review.current!.issue.sampleIndex;
    review.dispatch({ type: 'decide', cmd: { type: 'exclude' } });
    await review.saved();
    const inLatest = await service.getIssues({ filter: { status: 'decided' } });
    expect(inLatest.issues.map((i) => [i.sampleIndex, i.decision?.action])).toEqual([[shown, 'exclude']]);
    const inFirst = await service.getIssues({ setId: first.id, filter: { status: 'decided' } });
    expect(inFirst.issues.map((i) => i.sampleIndex)).toEqual([shown]);

    review.setIssueSet(undefined);
    await review.idle();
    expect(review.list.set?.id).toBe(second.id);
    review.dispose();
  });

  it('a decision another process makes reaches an open review as it would from this server', async () => {
    const path = reviewProject(6);
    const here = serviceOn(path, 'server');
    const elsewhere = serviceOn(path, 'cli');
    const wire = new Wire(here);
    const review = openReview(wire, ann);
    await review.reload();
    const item = review.list.find(3)!;
    expect(item.issue.decision).toBeNull();

    await elsewhere.decide({ sampleIndices: [3], action: 'relabel', newLabel: 1 - item.issue.givenLabel });
    here.checkExternalChanges();
    wire.deliver(review);
    await settle();
    expect(review.list.find(3)!.issue.decision).toMatchObject({ action: 'relabel', annotator: 'cli' });
    review.dispose();
  });
});

describe('training settings (Train page and Retrain)', () => {
  const defaults = {
    model: 'baseline',
    folds: 5,
    epochs: 15,
    batchSize: 64,
    learningRate: 0.001,
    backend: 'auto',
    seed: 42,
    workers: 2,
    validationFraction: 0.1,
    patience: 3,
    classWeights: true,
    augment: 'none',
    calibration: 'temperature',
  } as const;

  it("start from a previous run's settings over the defaults, ignoring what the form cannot show", () => {
    expect(settingsFrom(defaults, null)).toEqual({
      model: 'baseline',
      folds: 5,
      epochs: 15,
      batchSize: 64,
      backend: 'auto',
      augment: 'none',
      workers: 2,
    });
    const previous = { model: 'cnn', epochs: 3, folds: 2, testFraction: 0.2, backend: 'wasm' } as const;
    expect(settingsFrom(defaults, previous)).toMatchObject({
      model: 'cnn',
      epochs: 3,
      folds: 2,
      backend: 'wasm',
    });
    // A run recorded by another tool may name a model or backend this build does not offer.
    const foreign = { model: 'bench', backend: 'tpu', epochs: 'x' } as unknown as Record<string, unknown>;
    expect(settingsFrom(defaults, foreign)).toMatchObject({ model: 'baseline', backend: 'auto', epochs: 15 });
    // A run stored before augmentation modes recorded a boolean (true = mirroring).
    expect(settingsFrom(defaults, { augment: true } as unknown as Record<string, unknown>).augment).toBe(
      'flip',
    );
  });

  it('a cross-validation run gets folds and workers; a retrain neither, but keeps the learning rate and seed', () => {
    const s = {
      model: 'cnn',
      folds: 3,
      epochs: 4,
      batchSize: 32,
      backend: 'wasm',
      augment: 'shift',
      workers: null,
    } as const;
    expect(configFrom(s, 'cv')).toEqual({
      model: 'cnn',
      folds: 3,
      epochs: 4,
      batchSize: 32,
      backend: 'wasm',
      augment: 'shift',
    });
    expect(configFrom({ ...s, workers: 2 }, 'cv')).toMatchObject({ workers: 2 });
    expect(configFrom(s, 'retrain', { learningRate: 0.01, seed: 7, folds: 9 })).toEqual({
      model: 'cnn',
      epochs: 4,
      batchSize: 32,
      backend: 'wasm',
      augment: 'shift',
      learningRate: 0.01,
      seed: 7,
    });
  });
});
