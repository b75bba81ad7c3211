import type { FilterBy, IssueSetInfo, RankedBy } from '../../../src-shared/domain';
import { findLabelIssues, getLabelQualityScores, suggestedLabels } from '../clean';
import { ProjectError } from '../store/errors';
import type { Project } from '../store/project';

/** The run whose probabilities rank the issues: the given one, else the newest cv/imported run. */
export function probabilityRun(project: Project, runId?: number) {
  const run = runId === undefined ? project.runs.latest(['cv', 'imported']) : project.runs.get(runId);
  if (!run) {
    throw new ProjectError(
      runId === undefined
        ? 'no finished cross-validation run on the current dataset: run `relabel train` (or `relabel import-probs`) first'
        : `run #${runId} does not exist`,
    );
  }
  if (run.kind !== 'cv' && run.kind !== 'imported') {
    throw new ProjectError(
      `run #${run.id} is a ${run.kind} run; issues need out-of-fold probabilities (a cv or imported run)`,
    );
  }
  if (run.status !== 'done') throw new ProjectError(`run #${run.id} is ${run.status}, not finished`);
  if (run.datasetGeneration !== project.datasetGeneration) {
    throw new ProjectError(`run #${run.id} was made before the dataset was re-imported; train again`);
  }
  const probs = project.runs.probs(run.id);
  if (!probs) throw new ProjectError(`run #${run.id} has no stored probabilities`);
  return { run, probs };
}

/**
 * Confident learning over a run's out-of-fold probabilities: finds the label issues with `filterBy`,
 * ranks them by `rankedBy` quality (most suspicious first) and stores them as the review queue.
 */
export function computeIssueSet(
  project: Project,
  opts: { runId?: number; filterBy: FilterBy; rankedBy: RankedBy },
): IssueSetInfo {
  const { run, probs } = probabilityRun(project, opts.runId);
  const given = project.getGivenLabels();
  const k = probs.numClasses;
  // Rows the run has no prediction for (unreadable images) take no part; `rows` maps back to sample indices.
  const rows = Int32Array.from(given.keys()).filter((i) => Number.isFinite(probs.values[i * k]));
  const labels = Int32Array.from(rows, (i) => given[i]);
  const predProbs = new Float64Array(rows.length * k);
  rows.forEach((sample, r) => predProbs.set(probs.values.subarray(sample * k, sample * k + k), r * k));
  const ranked = findLabelIssues(labels, predProbs, k, { filterBy: opts.filterBy, rankedBy: opts.rankedBy });
  const quality = getLabelQualityScores(labels, predProbs, k, opts.rankedBy);
  const suggested = suggestedLabels(predProbs, k);
  // Only the issues' own rows (one statement), not every sample of a large dataset.
  const refs = project.sampleRefsAt(Array.from(ranked, (r) => rows[r]));
  return project.issues.save(
    run.id,
    opts.filterBy,
    opts.rankedBy,
    Array.from(ranked, (r, i) => ({
      sampleIndex: rows[r],
      path: refs[i]!.path,
      givenLabel: labels[r],
      suggestedLabel: suggested[r],
      quality: quality[r],
    })),
  );
}
