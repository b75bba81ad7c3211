import { describe, expect, it } from 'vitest';
import type { FilterBy } from '../../src-shared/domain';
import { computeConfidentJoint, FILTER_BY_METHODS, findLabelIssues } from '../../src-main/core/clean';

function run(labels: number[], rows: number[][], filterBy: FilterBy, ranked = false): number[] {
  const K = rows[0].length;
  const probs = Float64Array.from(rows.flat());
  return Array.from(
    findLabelIssues(labels, probs, K, { filterBy, rankedBy: ranked ? 'self_confidence' : null }),
  );
}

describe('hand-computed cases', () => {
  it('every label correct with confident probabilities: no filter flags anything', () => {
    const labels = Array.from({ length: 30 }, (_, i) => i % 3);
    const rows = labels.map((y) => [0, 1, 2].map((j) => (j === y ? 0.9 : 0.05)));
    expect(computeConfidentJoint(labels, Float64Array.from(rows.flat()), 3).joint).toEqual([
      [10, 0, 0],
      [0, 10, 0],
      [0, 0, 10],
    ]);
    for (const filterBy of FILTER_BY_METHODS) expect(run(labels, rows, filterBy), filterBy).toEqual([]);
  });

  // K = 2. Thresholds: t0 = mean(.9, .8, .3) ≈ .667, t1 = mean(.8, .9, .4) = .7. Row 2 (label 0) is confident
  // only in class 1 → C = [[2, 1], [0, 2]]; calibrated row 1 scales [0, 2] to its 3 labels → [[2, 1], [0, 3]].
  // Row 5 (label 1, p = [.6, .4]) is confident in no class, so only argmax-based filters catch it.
  const labels2 = [0, 0, 0, 1, 1, 1];
  const rows2 = [
    [0.9, 0.1],
    [0.8, 0.2],
    [0.3, 0.7],
    [0.2, 0.8],
    [0.1, 0.9],
    [0.6, 0.4],
  ];
  it('K = 2: confident joint with and without calibration', () => {
    const probs = Float64Array.from(rows2.flat());
    expect(computeConfidentJoint(labels2, probs, 2, { calibrate: false }).joint).toEqual([
      [2, 1],
      [0, 2],
    ]);
    expect(computeConfidentJoint(labels2, probs, 2).joint).toEqual([
      [2, 1],
      [0, 3],
    ]);
  });
  it('K = 2: each filter', () => {
    const want: Record<FilterBy, number[]> = {
      prune_by_noise_rate: [2],
      prune_by_class: [2],
      both: [2],
      confident_learning: [2],
      predicted_neq_given: [2, 5],
      low_self_confidence: [2],
      low_normalized_margin: [2],
    };
    for (const filterBy of FILTER_BY_METHODS)
      expect(run(labels2, rows2, filterBy), filterBy).toEqual(want[filterBy]);
    // self-confidence .3 (row 2) before .4 (row 5)
    expect(run(labels2, rows2, 'predicted_neq_given', true)).toEqual([2, 5]);
  });

  // One dominant class: 50 rows of class 0 at [.8, .1, .1]; rows 10 and 30 carry label 1 with the very same
  // probabilities; row 52 is the only class-2 example. Thresholds t = [.8, .1, .8]: every [.8, .1, .1] row is
  // confident in classes 0 and 1 and goes to argmax 0, so C = [[50,0,0],[2,1,0],[0,0,1]] (diagonal ≥ 1) and the
  // calibrated row 1 is [1, 1, 0]: the pruning filters may remove one of the two identical rows. Their margins
  // tie, and numpy's argsort keeps the first one; the single class-2 row is never pruned.
  const labels3 = Array.from({ length: 53 }, (_, i) => (i === 10 || i === 30 ? 1 : i === 52 ? 2 : 0));
  const rows3 = labels3.map((_, i) => (i === 52 ? [0.1, 0.1, 0.8] : [0.8, 0.1, 0.1]));
  it('one dominant class, tied duplicates', () => {
    const probs = Float64Array.from(rows3.flat());
    expect(computeConfidentJoint(labels3, probs, 3, { calibrate: false }).joint).toEqual([
      [50, 0, 0],
      [2, 1, 0],
      [0, 0, 1],
    ]);
    expect(computeConfidentJoint(labels3, probs, 3).joint).toEqual([
      [50, 0, 0],
      [1, 1, 0],
      [0, 0, 1],
    ]);
    const want: Record<FilterBy, number[]> = {
      prune_by_noise_rate: [10],
      prune_by_class: [10],
      both: [10],
      confident_learning: [10, 30],
      predicted_neq_given: [10, 30],
      low_self_confidence: [10, 30],
      low_normalized_margin: [10, 30],
    };
    for (const filterBy of FILTER_BY_METHODS)
      expect(run(labels3, rows3, filterBy), filterBy).toEqual(want[filterBy]);
  });

  // Every row [.5, .5]: argmax picks class 0, so label-1 rows sit off the diagonal, but adding 1e-6 to the given
  // label's probability makes it the argmax, which clears them; low_* filters get num_label_issues = 0.
  it('exact ties everywhere: nothing is flagged', () => {
    const labels = Array.from({ length: 20 }, (_, i) => i % 2);
    const rows = labels.map(() => [0.5, 0.5]);
    expect(computeConfidentJoint(labels, Float64Array.from(rows.flat()), 2).joint).toEqual([
      [10, 0],
      [9, 1],
    ]);
    for (const filterBy of FILTER_BY_METHODS) expect(run(labels, rows, filterBy), filterBy).toEqual([]);
  });

  it('a class without examples is allowed: its threshold is 2 and nothing is counted into it', () => {
    const labels = [0, 0, 1, 1];
    // t = [.4, .75, 2]: row 1 (label 0) is confident only in class 1; row 3 falls short of .75.
    const rows = [
      [0.7, 0.2, 0.1],
      [0.1, 0.8, 0.1],
      [0.1, 0.8, 0.1],
      [0.2, 0.7, 0.1],
    ];
    const { joint, thresholds } = computeConfidentJoint(labels, Float64Array.from(rows.flat()), 3, {
      calibrate: false,
    });
    expect(thresholds[2]).toBe(2);
    expect(joint).toEqual([
      [1, 1, 0],
      [0, 1, 0],
      [0, 0, 1],
    ]);
    expect(computeConfidentJoint(labels, Float64Array.from(rows.flat()), 3).joint).toEqual([
      [1, 1, 0],
      [0, 2, 0],
      [0, 0, 0],
    ]);
    expect(run(labels, rows, 'prune_by_noise_rate')).toEqual([1]);
  });
});
