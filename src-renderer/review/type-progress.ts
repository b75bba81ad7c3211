import type { IssueType } from '../../src-shared/domain';
import { shownDecision, type ReviewItem } from './issue-list.svelte';
import { ISSUE_TYPE_TITLES } from './labels';

export interface TypeProgress {
  decided: number;
  total: number;
  /** "duplicates", "outliers". */
  noun: string;
}

/**
 * The review header's progress while duplicates or outliers are listed: the queue's counts are about label
 * issues, so here it is the decided share of the listed issues (null: label issues, or not all are loaded).
 */
export function typeProgress(
  type: IssueType | undefined,
  list: { items: ReviewItem[]; complete: boolean },
): TypeProgress | null {
  if (!type || type === 'label' || !list.complete) return null;
  return {
    decided: list.items.filter((x) => shownDecision(x) !== null).length,
    total: list.items.length,
    noun: ISSUE_TYPE_TITLES[type].filter.toLowerCase(),
  };
}
