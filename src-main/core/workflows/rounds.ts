import type { IssueSetInfo } from '../../../src-shared/domain';
import type { RoundSummary, StopSignal } from '../../../src-shared/rounds';
import { computeStopSignal } from '../rounds/stop-signal';
import type { Project } from '../store/project';

/** Per cleaning round of the live dataset (its latest queue): flagged, reviewed, confirmed errors, kept. */
export function roundSummaries(project: Project): RoundSummary[] {
  return project.issues.roundSets().map((set) => {
    const reviewed = project.issues.reviewed(set.id);
    const kept = reviewed.filter((r) => r.action === 'keep').length;
    return {
      round: set.round,
      setId: set.id,
      runId: set.runId,
      labels: set.labels,
      createdAt: set.createdAt,
      flagged: set.count,
      reviewed: reviewed.length,
      confirmedErrors: reviewed.length - kept,
      kept,
      estimatedErrors: set.estimatedErrors,
      skippedDecided: set.skippedDecided,
    };
  });
}

/** The stop signal of a queue (default: the review queue, the latest set); null when there is none to review. */
export function stopSignalOf(project: Project, setId?: number): StopSignal | null {
  const set: IssueSetInfo | null =
    setId === undefined ? project.issues.latest() : project.issues.setInfo(setId);
  if (!set || set.stale) return null;
  return computeStopSignal({
    setId: set.id,
    round: set.round,
    flagged: set.count,
    reviewed: project.issues.reviewed(set.id),
    estimatedErrors: set.estimatedErrors,
    decisionTimes: project.issues.decisionTimes(set.id).map((t) => Date.parse(t)),
  });
}
