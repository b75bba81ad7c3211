import type { DuplicatePartner, IssueType, RankedBy } from '../../../src-shared/domain';
import { outlierIssueCount } from '../../../src-shared/health';
import { argmaxRow } from '../clean/numpy-float';
import { rowScorer } from '../clean/rank';
import {
  rankedDuplicateGroups,
  topOutliers,
  type HealthScan,
  type RankedGroup,
} from '../features/dataset-health';
import type { IssueQuery, IssueRow } from '../store/issues';
import type { Project } from '../store/project';

/**
 * Duplicates and outliers as issues of the review: who they are, in which order, and which types each image
 * has. Exact duplicates come from the content hashes (always); near-duplicates and outliers from a finished
 * embedding scan (null: none yet).
 */
export interface HealthIssues {
  /** Members of duplicate groups in review order: group by group (labels disagreeing first), by index inside. */
  duplicates: number[];
  /** The top outliers (outlierIssueCount), highest score first (none without a scan). */
  outliers: number[];
  groupOf: Map<number, RankedGroup>;
  outlierScoreOf: Map<number, number>;
  hashes: string[];
  paths: string[];
  labels: number[];
}

export function healthIssuesOf(
  samples: readonly { hash: string; path: string; givenLabel: number }[],
  scan: HealthScan | null,
): HealthIssues {
  const hashes = samples.map((s) => s.hash);
  const labels = samples.map((s) => s.givenLabel);
  const groups = rankedDuplicateGroups(hashes, labels, scan?.pairs ?? []);
  const groupOf = new Map<number, RankedGroup>();
  for (const g of groups) for (const i of g.members) groupOf.set(i, g);
  const outliers = scan ? topOutliers(scan.outlierScores, outlierIssueCount(samples.length)) : [];
  return {
    duplicates: groups.flatMap((g) => g.members),
    outliers,
    groupOf,
    outlierScoreOf: new Map(outliers.map((i) => [i, scan!.outlierScores[i]])),
    hashes,
    paths: samples.map((s) => s.path),
    labels,
  };
}

/** The types image `index` is an issue of, in ISSUE_TYPES order. */
export function issueTypesOf(h: HealthIssues, index: number, labelIssue: boolean): IssueType[] {
  const types: IssueType[] = [];
  if (labelIssue) types.push('label');
  if (h.groupOf.has(index)) types.push('duplicate');
  if (h.outlierScoreOf.has(index)) types.push('outlier');
  return types;
}

/** The other members of image `index`'s duplicate group, with their current decisions. */
export function partnersOf(project: Project, h: HealthIssues, index: number): DuplicatePartner[] {
  const others = h.groupOf.get(index)?.members.filter((i) => i !== index) ?? [];
  const decisions = project.decisions.currentFor(others.map((i) => h.paths[i]));
  return others.map((i, j) => ({
    index: i,
    path: h.paths[i],
    givenLabel: h.labels[i],
    decision: decisions[j],
    exact: h.hashes[i] === h.hashes[index],
  }));
}

/** The images of one health type, in review order. */
export const healthList = (h: HealthIssues, type: Exclude<IssueType, 'label'>): number[] =>
  type === 'duplicate' ? h.duplicates : h.outliers;

/**
 * Issue rows of the images of a health type, ranked by their place in its order (1, 2, …). An image that is a
 * label issue of the set keeps that issue's suggested label and score; any other gets the model's label
 * (argmax of the out-of-fold probabilities) and its score by the set's ranking method.
 */
export function healthRows(
  project: Project,
  indices: readonly number[],
  h: HealthIssues,
  labelRows: Map<number, IssueRow>,
  model: { k: number; values: Float32Array; score: ReturnType<typeof rowScorer> } | null,
): IssueRow[] {
  const decisions = project.decisions.currentFor(indices.map((i) => h.paths[i]));
  return indices.map((i, j) => {
    const row = labelRows.get(i);
    const given = h.labels[i];
    return {
      rank: j + 1,
      sampleIndex: i,
      path: h.paths[i],
      givenLabel: given,
      suggestedLabel: row?.suggestedLabel ?? (model ? argmaxRow(model.values, i, model.k) : given),
      quality: row?.quality ?? (model ? model.score(i, given) : 1),
      decided: decisions[j] !== null,
    };
  });
}

/** The rows a query selects, as IssueStore.page selects label issues (filters, keyset, offset and limit). */
export function pageOf(
  rows: IssueRow[],
  q: IssueQuery,
  offset: number,
  limit: number,
): { total: number; rows: IssueRow[] } {
  const matching = rows.filter(
    (r) =>
      (q.afterRank === undefined || r.rank > q.afterRank) &&
      (q.givenClass === undefined || r.givenLabel === q.givenClass) &&
      (q.suggestedClass === undefined || r.suggestedLabel === q.suggestedClass) &&
      (q.minQuality === undefined || r.quality >= q.minQuality) &&
      (q.maxQuality === undefined || r.quality <= q.maxQuality) &&
      (q.status === 'all' || r.decided === (q.status === 'decided')),
  );
  return { total: matching.length, rows: matching.slice(offset, offset + limit) };
}

/** A ranking method's scorer over a run's out-of-fold probabilities. */
export const modelOf = (probs: { k: number; values: Float32Array } | null, rankedBy: RankedBy) =>
  probs ? { ...probs, score: rowScorer(probs.values, probs.k, rankedBy) } : null;
