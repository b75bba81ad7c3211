import type { ProjectSummary, ReviewCounts } from '../../../src-shared/api';
import type { Project } from '../store/project';
import { roundSummaries } from './rounds';

/**
 * Review progress and decision counts (every view shows these; every mutation returns them). A queue made
 * before the dataset was re-imported is out of date: it counts as no queue.
 */
export function reviewCounts(project: Project): ReviewCounts {
  const set = project.issues.latest();
  const live = set && !set.stale ? set : null;
  return {
    setTotal: live?.count ?? 0,
    reviewed: live ? project.issues.reviewedCount(live.id) : 0,
    decisions: project.decisions.counts(),
    asOf: project.decisions.lastEventId(),
    setId: live?.id ?? null,
  };
}

/** The project summary, built in this one place. `classCounts` may come from a cache (it scans every sample). */
export function projectSummary(
  project: Project,
  classCounts: () => number[] = () => project.getClassCounts(),
): ProjectSummary {
  const dataset = project.getDatasetInfo();
  return {
    projectPath: project.path,
    projectName: project.name,
    dataset,
    classes: project.getClasses(),
    classCounts: dataset ? classCounts() : [],
    latestCvRunId: project.runs.latest(['cv', 'imported'])?.id ?? null,
    issueSet: project.issues.latest(),
    counts: reviewCounts(project),
    rounds: roundSummaries(project),
  };
}
