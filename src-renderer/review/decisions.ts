import type { Decision, DecisionAction, LabelIssue } from '../../src-shared/domain';

/** What a decision command means for one issue: the action and, for a relabel, the new label. */
export interface DecisionIntent {
  action: DecisionAction;
  newLabel?: number;
}

export type DecisionCommand =
  { type: 'keep' } | { type: 'accept' } | { type: 'exclude' } | { type: 'setClass'; classId: number };

/**
 * Accepting the suggestion (or picking a class) that equals the given label is a keep: the image keeps its
 * label and counts as reviewed.
 */
export function intentFor(
  issue: Pick<LabelIssue, 'givenLabel' | 'suggestedLabel'>,
  cmd: DecisionCommand,
): DecisionIntent {
  switch (cmd.type) {
    case 'keep':
      return { action: 'keep' };
    case 'exclude':
      return { action: 'exclude' };
    case 'accept':
      return issue.suggestedLabel === issue.givenLabel
        ? { action: 'keep' }
        : { action: 'relabel', newLabel: issue.suggestedLabel };
    case 'setClass':
      return cmd.classId === issue.givenLabel
        ? { action: 'keep' }
        : { action: 'relabel', newLabel: cmd.classId };
  }
}

/** One `decide` call of a bulk action. */
export interface DecideGroup extends DecisionIntent {
  sampleIndices: number[];
}

/**
 * A bulk command as few `decide` calls as possible: one per distinct (action, new label); "accept suggestion"
 * differs per image, so it becomes one call per suggested label (plus a keep for those already right).
 */
export function groupIntents(
  issues: Pick<LabelIssue, 'sampleIndex' | 'givenLabel' | 'suggestedLabel'>[],
  cmd: DecisionCommand,
): DecideGroup[] {
  const groups = new Map<string, DecideGroup>();
  for (const issue of issues) {
    const intent = intentFor(issue, cmd);
    const key = `${intent.action}:${intent.newLabel ?? ''}`;
    let group = groups.get(key);
    if (!group) {
      group = { ...intent, sampleIndices: [] };
      groups.set(key, group);
    }
    group.sampleIndices.push(issue.sampleIndex);
  }
  return [...groups.values()];
}

/** The decision as it will be once saved, shown at once (optimistic). */
export function provisionalDecision(
  issue: Pick<LabelIssue, 'sampleIndex' | 'path' | 'givenLabel'>,
  intent: DecisionIntent,
  annotator: string,
): Decision {
  return {
    sampleIndex: issue.sampleIndex,
    path: issue.path,
    action: intent.action,
    finalLabel:
      intent.action === 'keep' ? issue.givenLabel : intent.action === 'relabel' ? intent.newLabel! : null,
    annotator,
    decidedAt: new Date().toISOString(),
  };
}

/** The current decision of a sample from its history (the last event wins; `clear` means undecided). */
export function decisionFromHistory(
  issue: Pick<LabelIssue, 'sampleIndex' | 'path' | 'givenLabel'>,
  history: {
    action: DecisionAction | 'clear';
    newLabel: number | null;
    annotator: string;
    createdAt: string;
  }[],
): Decision | null {
  const last = history.at(-1);
  if (!last || last.action === 'clear') return null;
  return {
    sampleIndex: issue.sampleIndex,
    path: issue.path,
    action: last.action,
    finalLabel: last.action === 'keep' ? issue.givenLabel : last.action === 'relabel' ? last.newLabel : null,
    annotator: last.annotator,
    decidedAt: last.createdAt,
  };
}

/** Index of the first undecided issue at or after `from` (wrapping is the caller's business); -1 if none loaded. */
export function nextUndecided(
  items: readonly (Pick<LabelIssue, 'decision'> | null | undefined)[],
  from: number,
): number {
  for (let i = Math.max(0, from); i < items.length; i++) {
    const item = items[i];
    if (item && item.decision === null) return i;
  }
  return -1;
}

/** Indices between two clicks of a shift-click range selection, inclusive, in order. */
export function rangeBetween(a: number, b: number): number[] {
  const [lo, hi] = a <= b ? [a, b] : [b, a];
  return Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
}
