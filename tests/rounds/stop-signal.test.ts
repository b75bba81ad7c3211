import { describe, expect, it } from 'vitest';
import {
  computeStopSignal,
  decileBounds,
  formatHours,
  pacePerHour,
  type StopSignalInput,
} from '../../src-main/core/rounds/stop-signal';
import type { DecisionAction } from '../../src-shared/domain';

const T0 = Date.parse('2026-11-30T09:00:00.000Z');
const reviewedInRankOrder = (actions: DecisionAction[], firstRank = 1, firstEvent = 1) =>
  actions.map((action, i) => ({ rank: firstRank + i, action, eventId: firstEvent + i }));

describe('the stop signal, by hand', () => {
  // 20 issues (deciles of two ranks each), the top 10 reviewed: 5 errors (relabel/exclude), 5 kept.
  // 12 decisions 30 s apart, an hour's break, 3 more 30 s apart: 13 timed intervals in 390 s = 120 an hour.
  const input: StopSignalInput = {
    setId: 4,
    round: 2,
    flagged: 20,
    reviewed: reviewedInRankOrder([
      'relabel',
      'relabel',
      'exclude',
      'keep',
      'relabel',
      'keep',
      'keep',
      'keep',
      'keep',
      'relabel',
    ]),
    estimatedErrors: 8,
    decisionTimes: [
      ...Array.from({ length: 12 }, (_, i) => T0 + i * 30_000),
      ...Array.from({ length: 3 }, (_, i) => T0 + 11 * 30_000 + 3_600_000 + i * 30_000),
    ],
  };

  it('hit rate by decile, recently, the estimate, the pace and the sentence', () => {
    const s = computeStopSignal(input);
    expect(s.deciles.map((d) => [d.fromRank, d.toRank, d.reviewed, d.errors, d.hitRate])).toEqual([
      [1, 2, 2, 2, 1],
      [3, 4, 2, 1, 0.5],
      [5, 6, 2, 1, 0.5],
      [7, 8, 2, 0, 0],
      [9, 10, 2, 1, 0.5],
      [11, 12, 0, 0, null],
      [13, 14, 0, 0, null],
      [15, 16, 0, 0, null],
      [17, 18, 0, 0, null],
      [19, 20, 0, 0, null],
    ]);
    expect(s).toMatchObject({ reviewed: 10, confirmedErrors: 5, verdict: 'keep-going' });
    expect(s.recent).toEqual({ window: 50, reviewed: 10, errors: 5, hitRate: 0.5 });
    expect(s.estimate).toEqual({ estimatedErrors: 8, confirmed: 5, remaining: 3 });
    expect(s.pace.perHour).toBeCloseTo(120, 9);
    expect(s.pace.undecided).toBe(10);
    expect(s.pace.hoursLeft).toBeCloseTo(10 / 120, 9);
    expect(s.sentence).toBe(
      'The 10 issues reviewed so far were 50% errors; the estimate says ~3 of ~8 errors remain (5 confirmed). ' +
        'At 120 issues an hour, the 10 left take about 5 min.',
    );
  });

  it('the recent hit rate is over the latest 50 decisions by time, not by rank', () => {
    // 10 errors reviewed first, then 50 decisions of which 4 errors: the last 50 are 8% errors.
    const late: DecisionAction[] = Array.from({ length: 50 }, (_, i) => (i % 12 === 0 ? 'relabel' : 'keep'));
    const s = computeStopSignal({
      ...input,
      flagged: 200,
      // the late decisions took the top ranks (a reviewer who skipped ahead): time order is what counts
      reviewed: [
        ...reviewedInRankOrder(late, 1, 11),
        ...reviewedInRankOrder(Array(10).fill('relabel'), 51, 1),
      ],
    });
    expect(s.recent).toEqual({ window: 50, reviewed: 50, errors: 5, hitRate: 0.1 });
    expect(s.verdict).toBe('keep-going');
    const fewer = computeStopSignal({
      ...input,
      flagged: 200,
      reviewed: [
        ...reviewedInRankOrder(Array(10).fill('relabel'), 1, 1),
        ...reviewedInRankOrder(
          late.map((a, i) => (i === 0 ? 'keep' : a)),
          11,
          11,
        ),
      ],
    });
    expect(fewer.recent).toMatchObject({ reviewed: 50, errors: 4, hitRate: 0.08 });
    expect(fewer.verdict).toBe('diminishing');
    expect(fewer.sentence).toMatch(
      /^The last 50 issues were 8% errors; the estimate says ~0 of ~8 errors remain \(14 confirmed\)\./,
    );
    expect(fewer.sentence).toMatch(/Under 10% of recent issues were errors: stopping here/);
  });

  it('before any review, and once the queue is done', () => {
    const none = computeStopSignal({ ...input, reviewed: [], decisionTimes: [] });
    expect(none.verdict).toBe('not-started');
    expect(none.pace).toEqual({ perHour: null, undecided: 20, hoursLeft: null });
    expect(none.sentence).toBe(
      'Round 2: none of the 20 issues reviewed yet. Confident learning estimates ~8 label errors.',
    );
    const done = computeStopSignal({ ...input, flagged: 10 });
    expect(done.verdict).toBe('done');
    expect(done.sentence).toMatch(/Round 2 is fully reviewed: retrain on the reviewed labels/);
    const noEstimate = computeStopSignal({ ...input, estimatedErrors: null });
    expect(noEstimate.estimate.remaining).toBeNull();
    expect(noEstimate.sentence).toMatch(/^The 10 issues reviewed so far were 50% errors\. At 120/);
  });

  it('decile bounds cover every rank once, for any queue length', () => {
    expect(decileBounds(25).map((b) => [b.fromRank, b.toRank])).toEqual([
      [1, 2],
      [3, 5],
      [6, 7],
      [8, 10],
      [11, 12],
      [13, 15],
      [16, 17],
      [18, 20],
      [21, 22],
      [23, 25],
    ]);
    for (const n of [1, 5, 9, 10, 11, 99, 1234]) {
      const covered = decileBounds(n).flatMap((b) =>
        Array.from({ length: Math.max(0, b.toRank - b.fromRank + 1) }, (_, i) => b.fromRank + i),
      );
      expect(covered).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    }
    // A queue of 5 has five non-empty tenths; the signal lists only those.
    const s = computeStopSignal({ ...input, flagged: 5, reviewed: [] });
    expect(s.deciles.map((d) => [d.fromRank, d.toRank])).toEqual([
      [1, 1],
      [2, 2],
      [3, 3],
      [4, 4],
      [5, 5],
    ]);
  });

  it('a pace needs enough timed decisions; a bulk accept in one instant tells none', () => {
    expect(pacePerHour(Array(30).fill(T0))).toBeNull();
    expect(pacePerHour(Array.from({ length: 10 }, (_, i) => T0 + i * 1000))).toBeNull();
    expect(pacePerHour(Array.from({ length: 11 }, (_, i) => T0 + i * 1000))).toBeCloseTo(3600, 9);
    // order does not matter; only the latest 200 count
    const slowThenFast = [
      ...Array.from({ length: 100 }, (_, i) => T0 + i * 60_000),
      ...Array.from({ length: 200 }, (_, i) => T0 + 100 * 60_000 + i * 10_000),
    ].reverse();
    expect(pacePerHour(slowThenFast)).toBeCloseTo(360, 9);
    expect(formatHours(10 / 120)).toBe('5 min');
    expect(formatHours(2.09)).toBe('2 h 05 min');
    expect(formatHours(0)).toBe('1 min');
  });
});
