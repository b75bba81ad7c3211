import { finalLabelOf, type Decision, type DecisionAction, type LabelIssue } from '../../src-shared/domain';

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

/** The decision as it will be once saved, shown at once (optimistic; eventId 0 until the server answers). */
export function provisionalDecision(
  issue: Pick<LabelIssue, 'sampleIndex' | 'path' | 'givenLabel'>,
  intent: DecisionIntent,
  annotator: string,
): Decision {
  return {
    sampleIndex: issue.sampleIndex,
    path: issue.path,
    action: intent.action,
    finalLabel: finalLabelOf(intent.action, intent.newLabel, issue.givenLabel),
    annotator,
    decidedAt: new Date().toISOString(),
    eventId: 0,
  };
}

/** Indices between two clicks of a shift-click range selection, inclusive, in order. */
export function rangeBetween(a: number, b: number): number[] {
  const [lo, hi] = a <= b ? [a, b] : [b, a];
  return Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
}
