import { defaultFilterBy, type FilterBy, type IssueSetInfo, type RankedBy } from '../../../src-shared/domain';
import { findLabelIssues, getLabelQualityScores, offDiagonalIssueRows, suggestedLabels } from '../clean';
import { ProjectError } from '../store/errors';
import type { Project } from '../store/project';
import { cleanedLabels } from './training-data';

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
 * The element-wise mean of several finished runs' out-of-fold probabilities (an ensemble, as cleanlab
 * recommends for better probabilities). Every run must be a cv or imported run of the live dataset with the same
 * classes; a sample lacking a prediction in any run stays NaN (left out of the ranking).
 */
export function averagedProbabilities(
  project: Project,
  runIds: number[],
): { numClasses: number; values: Float32Array } {
  if (new Set(runIds).size !== runIds.length)
    throw new ProjectError(`runs ${runIds.join(',')} list a run twice`);
  const runs = runIds.map((id) => probabilityRun(project, id));
  const first = runs[0];
  for (const r of runs.slice(1)) {
    if (
      r.probs.numClasses !== first.probs.numClasses ||
      r.probs.values.length !== first.probs.values.length
    ) {
      throw new ProjectError(
        `runs #${first.run.id} (${first.probs.numClasses} classes) and #${r.run.id} (${r.probs.numClasses} classes) cannot be averaged: their class sets differ`,
      );
    }
  }
  const values = new Float32Array(first.probs.values.length);
  for (const r of runs) r.probs.values.forEach((v, i) => (values[i] += v / runs.length));
  return { numClasses: first.probs.numClasses, values };
}

/** The probabilities that ranked an issue set: its run's, or the average of its runs'. */
export function issueSetProbabilities(project: Project, set: IssueSetInfo) {
  return set.runIds.length > 1 ? averagedProbabilities(project, set.runIds) : project.runs.probs(set.runId);
}

/**
 * Confident learning over a run's out-of-fold probabilities (or several runs' averaged, `runIds`): finds the label
 * issues with `filterBy` (default: the one for its class count), ranks them by `rankedBy` quality (most suspicious first) and stores them as the review
 * queue, recording which runs it used.
 *
 * A run on the reviewed labels makes a later round: the labels questioned are the reviewed ones (excluded images
 * take no part), and images a human has decided are not queued again (their decision stands). The set also keeps
 * confident learning's estimate of the errors (cleanlab `num_label_issues`) among the images still undecided.
 * With several runs, the first run's labels choice counts.
 */
export function computeIssueSet(
  project: Project,
  opts: { runId?: number; runIds?: number[]; filterBy?: FilterBy; rankedBy: RankedBy },
): IssueSetInfo {
  const several = opts.runIds && opts.runIds.length > 1 ? opts.runIds : undefined;
  const { run, probs } = several
    ? { run: probabilityRun(project, several[0]).run, probs: averagedProbabilities(project, several) }
    : probabilityRun(project, opts.runIds?.[0] ?? opts.runId);
  const reviewed = run.kind === 'cv' && run.config.labels === 'reviewed';
  const current = reviewed ? cleanedLabels(project) : null;
  const sampleLabels = current?.labels ?? project.getGivenLabels();
  const k = probs.numClasses;
  const filterBy = opts.filterBy ?? defaultFilterBy(k);
  // Rows the run has no prediction for (unreadable or excluded images) take no part; `rows` maps back to samples.
  // Plain loops: this runs on a served project's only thread, over every sample.
  const taking = new Int32Array(sampleLabels.length);
  let n = 0;
  for (let i = 0; i < sampleLabels.length; i++)
    if (Number.isFinite(probs.values[i * k]) && !current?.excluded.has(i)) taking[n++] = i;
  const rows = taking.subarray(0, n);
  const labels = new Int32Array(n);
  const predProbs = new Float64Array(n * k);
  for (let r = 0; r < n; r++) {
    const sample = rows[r];
    labels[r] = sampleLabels[sample];
    for (let c = 0; c < k; c++) predProbs[r * k + c] = probs.values[sample * k + c];
  }
  const ranked = findLabelIssues(labels, predProbs, k, { filterBy, rankedBy: opts.rankedBy });
  const quality = getLabelQualityScores(labels, predProbs, k, opts.rankedBy);
  const suggested = suggestedLabels(predProbs, k);
  const undecided = (r: number) => !current?.decided.has(rows[r]);
  const queued = Array.from(ranked).filter(undecided);
  const flaggedByEstimate = offDiagonalIssueRows(labels, predProbs, k);
  let estimatedErrors = 0;
  for (let r = 0; r < rows.length; r++) if (flaggedByEstimate[r] && undecided(r)) estimatedErrors++;
  // Only the issues' own rows (one statement), not every sample of a large dataset.
  const refs = project.sampleRefsAt(queued.map((r) => rows[r]));
  return project.issues.save(
    run.id,
    filterBy,
    opts.rankedBy,
    queued.map((r, i) => ({
      sampleIndex: rows[r],
      path: refs[i]!.path,
      givenLabel: labels[r],
      suggestedLabel: suggested[r],
      quality: quality[r],
    })),
    {
      labels: reviewed ? 'reviewed' : 'given',
      estimatedErrors,
      skippedDecided: ranked.length - queued.length,
    },
    several,
  );
}
