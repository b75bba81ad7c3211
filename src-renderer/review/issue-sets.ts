import type { IssueSetInfo } from '../../src-shared/domain';
import { shortDateTime } from '../lib/format';
import { filterByLabels, rankedByLabels } from '../train/option-labels';

/** How the issue-set menu names a set: id, date, method, run, size; the latest and out-of-date ones marked. */
export function issueSetLabel(set: IssueSetInfo, latestId: number | null): string {
  const marks = [set.id === latestId ? 'latest' : null, set.stale ? 'out of date' : null].filter(Boolean);
  return (
    `#${set.id} · ${shortDateTime(set.createdAt)} · ${filterByLabels[set.filterBy]}, ranked by ` +
    `${rankedByLabels[set.rankedBy]} · run #${set.runId} · ${set.count.toLocaleString()} issues` +
    (marks.length ? ` (${marks.join(', ')})` : '')
  );
}

/**
 * The review's `setId` for a set picked in the menu: the latest set is the review queue itself (undefined), so
 * the review follows the next ranking; an earlier one is kept by id.
 */
export function setIdFor(picked: number, sets: IssueSetInfo[]): number | undefined {
  return picked === sets[0]?.id ? undefined : picked;
}
