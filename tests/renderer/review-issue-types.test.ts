/**
 * The review's issue-type filter without a browser: duplicates listed conflicting labels first, each with its
 * partners; a decision on one is an ordinary decision; label issues stay the default view.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createService, type OwnedService } from '../../src-main/core/service';
import { projectWith } from '../helpers/health-fixture';
import { tempDir } from '../helpers/tmp';
import { openReview, rankEverything, Wire } from './review-harness';
import { shownDecision } from '../../src-renderer/review/issue-list.svelte';
import { typeProgress } from '../../src-renderer/review/type-progress';

const ann = { session: 'session-ann-0001', annotator: 'ann' };
const open: OwnedService[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});

/** 12 images; 3 = 7 (same label), 5 = 10 (labels differ); every image a label issue. */
function duplicatesProject(): string {
  const hashes = Array.from({ length: 12 }, (_, i) => `h${i}`);
  hashes[7] = hashes[3];
  hashes[10] = hashes[5];
  const labels = hashes.map((_, i) => i % 2);
  labels[10] = 0;
  const project = projectWith(tempDir(), hashes, labels);
  rankEverything(project);
  const path = project.path;
  project.close();
  return path;
}

describe('the issue-type filter of the review', () => {
  it('opens the duplicates, conflicting labels first, with partners; decides one; back to label issues', async () => {
    const service = createService({
      projectPath: duplicatesProject(),
      annotator: 'server',
      watchIntervalMs: 0,
    });
    open.push(service);
    const review = openReview(new Wire(service), ann);
    await review.reload();
    expect(review.list.total).toBe(12); // the default view: label issues
    expect(review.filter.type).toBeUndefined();

    review.setFilter({ status: 'all', type: 'duplicate' });
    await review.idle();
    expect(review.list.items.map((x) => x.issue.sampleIndex)).toEqual([5, 10, 3, 7]);
    expect(review.list.health?.status).toBe('unavailable');
    const first = review.current!.issue;
    expect(first.sampleIndex).toBe(5);
    expect(first.types).toEqual(['label', 'duplicate']);
    expect(first.partners.map((p) => [p.index, p.givenLabel, p.exact])).toEqual([[10, 0, true]]);

    review.dispatch({ type: 'decide', cmd: { type: 'setClass', classId: 0 } });
    await review.idle();
    expect(shownDecision(review.list.find(5)!)).toMatchObject({ action: 'relabel', finalLabel: 0 });
    expect(review.current!.issue.sampleIndex).toBe(10); // moved on to the partner
    // The header counts the listed duplicates (the queue's counts are about label issues).
    expect(typeProgress(review.filter.type, review.list)).toEqual({
      decided: 1,
      total: 4,
      noun: 'duplicates',
    });
    expect((await service.decisionHistory({ sampleIndex: 5 })).map((e) => e.action)).toEqual(['relabel']);

    review.setFilter({ status: 'all' });
    await review.idle();
    expect(review.list.total).toBe(12);
    expect(review.list.health).toBeNull();
  });
});
