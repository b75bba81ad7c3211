import { describe, expect, it } from 'vitest';
import type { JobEvent } from '../../src-shared/api';
import { addJobPoint, jobFraction, type JobCurves } from '../../src-renderer/lib/jobs';
import { defaultRoute, parseHash, placeHash } from '../../src-renderer/lib/router';
import { classTitle, classTitleOf } from '../../src-renderer/lib/classes';
import {
  deltaPoints,
  duration,
  fileName,
  joinPath,
  parentFolder,
  percent,
  shortDateTime,
} from '../../src-renderer/lib/format';

const job = (patch: Partial<JobEvent>): JobEvent => ({
  jobId: 'j1',
  kind: 'train',
  status: 'running',
  phase: 'cross-validation: fold 1/2',
  done: 0,
  total: 0,
  etaSeconds: null,
  message: '',
  runId: 1,
  fold: 0,
  epoch: null,
  point: null,
  error: null,
  backend: 'wasm',
  ...patch,
});

describe('training curves from job events', () => {
  it('collects one point per phase and epoch; repeated (throttled) events do not duplicate it', () => {
    const curves: JobCurves = {};
    expect(addJobPoint(curves, job({ epoch: 1 }))).toBe(false);
    expect(addJobPoint(curves, job({ epoch: 1, point: { loss: 0.9, accuracy: 0.5 } }))).toBe(true);
    expect(addJobPoint(curves, job({ epoch: 1, point: { loss: 0.9, accuracy: 0.5 } }))).toBe(false);
    addJobPoint(curves, job({ epoch: 2, point: { loss: 0.7, accuracy: 0.6 } }));
    addJobPoint(
      curves,
      job({ phase: 'cross-validation: fold 2/2', fold: 1, epoch: 1, point: { loss: 1, accuracy: 0.4 } }),
    );
    expect(curves['cross-validation: fold 1/2'].map((p) => [p.epoch, p.loss])).toEqual([
      [1, 0.9],
      [2, 0.7],
    ]);
    expect(curves['cross-validation: fold 2/2']).toHaveLength(1);
  });

  it('reports the done fraction only when the total is known', () => {
    expect(jobFraction(job({ done: 3, total: 12 }))).toBe(0.25);
    expect(jobFraction(job({ done: 0, total: 0 }))).toBeNull();
  });
});

describe('hash routes', () => {
  it('parses known pages with their query and rejects others', () => {
    expect(parseHash('#/review').name).toBe('review');
    const help = parseHash('#/review?help');
    expect(help.name).toBe('review');
    expect(help.params.has('help')).toBe(true);
    expect(parseHash('').name).toBeNull();
    expect(parseHash('#/nope').name).toBeNull();
  });

  it('opens the review when issues exist, else the next step', () => {
    expect(defaultRoute({ dataset: null, latestCvRunId: null, issueSet: null })).toBe('projects');
    expect(defaultRoute({ dataset: {}, latestCvRunId: null, issueSet: null })).toBe('train');
    expect(defaultRoute({ dataset: {}, latestCvRunId: 3, issueSet: {} })).toBe('review');
  });

  it('a page keeps its place in the URL only while the URL is still on that page', () => {
    expect(placeHash('review', 'at=5', '#/review')).toBe('#/review?at=5');
    expect(placeHash('review', '', '#/review?at=5')).toBe('#/review');
    expect(placeHash('review', 'at=5', '#/review?at=5')).toBeNull();
    // A navigation to another page whose hashchange is still queued (found by a flaky e2e: the review's
    // place, written after the link was followed, sent the app back to the review).
    expect(placeHash('review', 'at=5', '#/dataset')).toBeNull();
    expect(placeHash('review', 'at=5', '')).toBeNull();
  });
});

describe('formatting', () => {
  it('formats percentages, deltas and durations', () => {
    expect(percent(0.1234)).toBe('12.3%');
    expect(percent(null)).toBe('–');
    expect(deltaPoints(0.8, 0.85)).toBe('+5.0 pt');
    expect(deltaPoints(0.85, 0.8)).toBe('−5.0 pt');
    expect(duration(42)).toBe('42 s');
    expect(duration(125)).toBe('2 min 5 s');
    expect(duration(3 * 3600 + 120)).toBe('3 h 2 min');
  });

  it('writes short dates: the year only when it is not the current one', () => {
    const now = new Date(2026, 10, 30, 15, 0);
    const sameYear = shortDateTime(new Date(2026, 2, 4, 9, 7).toISOString(), now);
    expect(sameYear).toMatch(/4/);
    expect(sameYear).toMatch(/07/);
    expect(sameYear).not.toMatch(/2026/);
    expect(shortDateTime(new Date(2025, 2, 4, 9, 7).toISOString(), now)).toMatch(/2025/);
    expect(shortDateTime(null)).toBe('–');
    expect(shortDateTime('not a date')).toBe('not a date');
  });

  it('handles POSIX and Windows paths', () => {
    expect(fileName('train_img/000001.jpg')).toBe('000001.jpg');
    expect(parentFolder('/data/p/demo.relabel')).toBe('/data/p');
    expect(joinPath('/data/p', 'export')).toBe('/data/p/export');
    expect(joinPath('C:\\data\\p', 'export')).toBe('C:\\data\\p\\export');
  });

  it('names numbered classes "class n" and named ones "n · name"', () => {
    expect(classTitle({ id: 3, name: '3' })).toBe('class 3');
    expect(classTitle({ id: 3, name: 'cat' })).toBe('3 · cat');
    expect(classTitleOf([{ id: 0, name: 'dog' }], 0)).toBe('0 · dog');
    expect(classTitleOf([], 7)).toBe('7');
    expect(classTitleOf([], null)).toBe('–');
  });
});
