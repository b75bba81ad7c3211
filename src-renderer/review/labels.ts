import type { ClassInfo, Decision, IssueType } from '../../src-shared/domain';
import { classTitleOf } from '../lib/classes';
import type { SaveState } from './review-state.svelte';

export const classLabel = classTitleOf;

/** What the review calls each issue type: the filter's choices and the issue's badges. */
export const ISSUE_TYPE_TITLES: Record<IssueType, { filter: string; badge: string }> = {
  label: { filter: 'Label issues', badge: 'Label issue' },
  duplicate: { filter: 'Duplicates', badge: 'Duplicate' },
  outlier: { filter: 'Outliers', badge: 'Outlier' },
};

/** "Kept", "Relabeled → 3 · cat", "Excluded", "Undecided". */
export function decisionText(classes: ClassInfo[], d: Decision | null): string {
  if (!d) return 'Undecided';
  if (d.action === 'keep') return 'Kept';
  if (d.action === 'exclude') return 'Excluded';
  return `Relabeled → ${classLabel(classes, d.finalLabel)}`;
}

export function saveText(s: SaveState | undefined): string {
  if (!s) return '';
  if (s.status === 'saving') return 'saving…';
  if (s.status === 'saved') return 'saved ✓';
  return `not saved: ${s.message}`;
}
