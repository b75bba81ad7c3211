import { describe, expect, it } from 'vitest';
import { CLEANLAB_DEFAULT_FILTER_BY, defaultFilterBy } from '../../src-shared/domain';
import { findLabelIssues } from '../../src-main/core/clean';
import { computeIssueSet } from '../../src-main/core/workflows/label-issues';
import { makeProject } from '../helpers/project-fixture';
import { tempDir } from '../helpers/tmp';

/**
 * Probabilities for `k` classes where most rows agree with their label and a few are confused in two ways:
 * firmly another class (any filter flags them) or only mildly unsure (low_self_confidence flags some of them,
 * prune_by_noise_rate's count-based cut decides otherwise) — enough for the two filters to disagree.
 */
function data(k: number, n: number) {
  const labels = Array.from({ length: n }, (_, i) => i % k);
  const probs = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    const own = labels[i];
    const other = (own + 1) % k;
    const row = probs.subarray(i * k, i * k + k);
    const firm = i % 11 === 3;
    const unsure = i % 7 === 2;
    const pOwn = firm ? 0.04 : unsure ? 0.45 + (i % 5) * 0.02 : 0.8 + (i % 13) * 0.01;
    const pOther = firm ? 0.9 : 0.9 * (1 - pOwn);
    row.fill((1 - pOwn - pOther) / Math.max(1, k - 2));
    row[own] = pOwn;
    row[other] = k === 2 ? 1 - pOwn : pOther;
  }
  return { labels, probs };
}

function project(k: number, n: number) {
  const { labels, probs } = data(k, n);
  const p = makeProject(tempDir(), labels);
  const run = p.runs.create('imported', { source: 'test' });
  p.runs.finish(run, { status: 'done', probs: { numClasses: k, values: Float32Array.from(probs) } });
  return { p, run, labels, probs: Float64Array.from(Float32Array.from(probs)) };
}

describe('the default issue filter', () => {
  it('is predicted_neq_given for two classes and low_self_confidence from three on', () => {
    expect(defaultFilterBy(2)).toBe('predicted_neq_given');
    expect(CLEANLAB_DEFAULT_FILTER_BY).toBe('prune_by_noise_rate');
    expect(defaultFilterBy(3)).toBe('low_self_confidence');
    expect(defaultFilterBy(10)).toBe('low_self_confidence');
  });

  it.each([2, 3, 10])('is what an issue set of %i classes uses when none is asked for', (k) => {
    const { p, run, labels, probs } = project(k, 60 * k);
    const set = computeIssueSet(p, { runId: run, rankedBy: 'self_confidence' });
    expect(set.filterBy).toBe(defaultFilterBy(k));
    const want = findLabelIssues(Int32Array.from(labels), probs, k, {
      filterBy: defaultFilterBy(k),
      rankedBy: 'self_confidence',
    });
    const got = p.issues.page(set.id, { status: 'all' }, 0, 10_000).rows.map((r) => r.sampleIndex);
    expect(got).toEqual(Array.from(want));
    // The two filters really disagree on these data, so the assertion above tells them apart.
    const other = findLabelIssues(Int32Array.from(labels), probs, k, {
      filterBy: CLEANLAB_DEFAULT_FILTER_BY,
      rankedBy: 'self_confidence',
    });
    expect(Array.from(other)).not.toEqual(Array.from(want));
    p.close();
  });

  it('gives way to an explicit choice', () => {
    const { p, run } = project(3, 180);
    expect(computeIssueSet(p, { runId: run, filterBy: 'both', rankedBy: 'self_confidence' }).filterBy).toBe(
      'both',
    );
    p.close();
  });
});
