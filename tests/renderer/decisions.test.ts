import { describe, expect, it } from 'vitest';
import type { LabelIssue } from '../../src-shared/domain';
import { intentFor, provisionalDecision, rangeBetween } from '../../src-renderer/review/decisions';

const issue = (
  sampleIndex: number,
  givenLabel: number,
  suggestedLabel: number,
  decided = false,
): LabelIssue => ({
  rank: sampleIndex + 1,
  sampleIndex,
  path: `img/${sampleIndex}.png`,
  givenLabel,
  suggestedLabel,
  quality: 0.1,
  probs: [0.5, 0.5],
  decision: decided
    ? {
        sampleIndex,
        path: `img/${sampleIndex}.png`,
        action: 'keep',
        finalLabel: givenLabel,
        annotator: 'a',
        decidedAt: '2025-01-01T00:00:00Z',
        eventId: 1,
      }
    : null,
  claimedBy: null,
  types: ['label'],
  partners: [],
  outlierScore: null,
});

describe('intentFor', () => {
  it('turns accepting a suggestion into a relabel, or a keep when it equals the given label', () => {
    expect(intentFor(issue(0, 1, 2), { type: 'accept' })).toEqual({ action: 'relabel', newLabel: 2 });
    expect(intentFor(issue(0, 1, 1), { type: 'accept' })).toEqual({ action: 'keep' });
  });

  it('turns a class key into a relabel, or a keep for the given class', () => {
    expect(intentFor(issue(0, 1, 2), { type: 'setClass', classId: 0 })).toEqual({
      action: 'relabel',
      newLabel: 0,
    });
    expect(intentFor(issue(0, 1, 2), { type: 'setClass', classId: 1 })).toEqual({ action: 'keep' });
    expect(intentFor(issue(0, 1, 2), { type: 'keep' })).toEqual({ action: 'keep' });
    expect(intentFor(issue(0, 1, 2), { type: 'exclude' })).toEqual({ action: 'exclude' });
  });
});

describe('provisionalDecision', () => {
  it('gives the final label per action', () => {
    const i = issue(3, 1, 2);
    expect(provisionalDecision(i, { action: 'keep' }, 'ann').finalLabel).toBe(1);
    expect(provisionalDecision(i, { action: 'relabel', newLabel: 2 }, 'ann')).toMatchObject({
      sampleIndex: 3,
      path: 'img/3.png',
      action: 'relabel',
      finalLabel: 2,
      annotator: 'ann',
    });
    expect(provisionalDecision(i, { action: 'exclude' }, 'ann').finalLabel).toBeNull();
  });
});

describe('navigation helpers', () => {
  it('selects a shift-click range in either direction', () => {
    expect(rangeBetween(2, 5)).toEqual([2, 3, 4, 5]);
    expect(rangeBetween(5, 2)).toEqual([2, 3, 4, 5]);
    expect(rangeBetween(3, 3)).toEqual([3]);
  });
});
