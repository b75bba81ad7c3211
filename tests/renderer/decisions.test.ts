import { describe, expect, it } from 'vitest';
import type { LabelIssue } from '../../src-shared/domain';
import {
  decisionFromHistory,
  groupIntents,
  intentFor,
  nextUndecided,
  provisionalDecision,
  rangeBetween,
} from '../../src-renderer/review/decisions';

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
      }
    : null,
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

describe('groupIntents (one decide call per action and label)', () => {
  it('groups "accept suggestion" by suggested label, with the already-right ones as one keep', () => {
    const groups = groupIntents([issue(0, 0, 1), issue(1, 0, 2), issue(2, 2, 1), issue(3, 1, 1)], {
      type: 'accept',
    });
    expect(groups).toEqual([
      { action: 'relabel', newLabel: 1, sampleIndices: [0, 2] },
      { action: 'relabel', newLabel: 2, sampleIndices: [1] },
      { action: 'keep', sampleIndices: [3] },
    ]);
  });

  it('makes a single call for exclude and keep', () => {
    expect(groupIntents([issue(4, 0, 1), issue(5, 1, 0)], { type: 'exclude' })).toEqual([
      { action: 'exclude', sampleIndices: [4, 5] },
    ]);
    expect(groupIntents([issue(4, 0, 1), issue(5, 1, 0)], { type: 'keep' })).toEqual([
      { action: 'keep', sampleIndices: [4, 5] },
    ]);
  });

  it('splits "set class" into the relabels and the keeps of images already in that class', () => {
    expect(groupIntents([issue(1, 0, 1), issue(2, 2, 1)], { type: 'setClass', classId: 2 })).toEqual([
      { action: 'relabel', newLabel: 2, sampleIndices: [1] },
      { action: 'keep', sampleIndices: [2] },
    ]);
  });
});

describe('provisionalDecision and decisionFromHistory', () => {
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

  it('takes the last history event as the current state; clear means undecided', () => {
    const i = issue(3, 1, 2);
    const ev = (action: 'keep' | 'relabel' | 'exclude' | 'clear', newLabel: number | null = null) => ({
      action,
      newLabel,
      annotator: 'bob',
      createdAt: '2025-02-02T10:00:00Z',
    });
    expect(decisionFromHistory(i, [])).toBeNull();
    expect(decisionFromHistory(i, [ev('relabel', 0), ev('clear')])).toBeNull();
    expect(decisionFromHistory(i, [ev('exclude'), ev('relabel', 0)])).toEqual({
      sampleIndex: 3,
      path: 'img/3.png',
      action: 'relabel',
      finalLabel: 0,
      annotator: 'bob',
      decidedAt: '2025-02-02T10:00:00Z',
    });
    expect(decisionFromHistory(i, [ev('keep')])?.finalLabel).toBe(1);
  });
});

describe('navigation helpers', () => {
  it('finds the next undecided loaded issue, skipping decided and unloaded ones', () => {
    const items = [issue(0, 0, 1, true), null, issue(2, 0, 1, true), issue(3, 0, 1), issue(4, 0, 1)];
    expect(nextUndecided(items, 0)).toBe(3);
    expect(nextUndecided(items, 4)).toBe(4);
    expect(nextUndecided(items, 5)).toBe(-1);
    expect(nextUndecided([issue(0, 0, 1, true)], 0)).toBe(-1);
  });

  it('selects a shift-click range in either direction', () => {
    expect(rangeBetween(2, 5)).toEqual([2, 3, 4, 5]);
    expect(rangeBetween(5, 2)).toEqual([2, 3, 4, 5]);
    expect(rangeBetween(3, 3)).toEqual([3]);
  });
});
