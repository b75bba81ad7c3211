import type { IssuePage } from '../../../src-shared/api';
import type { Decision, IssueSetInfo, LabelIssue } from '../../../src-shared/domain';
import { tooManyClasses } from '../limits';
import { ProjectError } from '../store/errors';
import type { IssueRow } from '../store/issues';
import type { HealthScan } from '../features/dataset-health';
import type { HealthScanner } from '../workflows/dataset-health';
import {
  healthIssuesOf,
  healthList,
  healthRows,
  issueTypesOf,
  modelOf,
  pageOf,
  partnersOf,
  type HealthIssues,
} from '../workflows/health-issues';
import { computeIssueSet, issueSetProbabilities } from '../workflows/label-issues';
import { reviewCounts } from '../workflows/project-summary';
import { stopSignalOf } from '../workflows/rounds';
import type { Handlers, ServiceContext } from './context';
import { ServiceError } from './errors';

/**
 * The review queue: ranking label issues, paging through a set (its label issues, or the dataset's duplicates or
 * outliers), and who has which issue on screen.
 */
export function issueHandlers(
  ctx: ServiceContext,
  health: HealthScanner,
): Pick<Handlers, 'computeIssues' | 'listIssueSets' | 'stopSignal' | 'getIssues' | 'claimIssue'> {
  const { project } = ctx;

  // Duplicates and outliers of the live dataset, kept until the dataset or the finished scan changes. `scan`:
  // start the embedding scan if it has not begun (the duplicate and outlier filters do; label issues only show
  // what a finished scan found).
  let healthCache: { gen: number; scan: HealthScan | null; issues: HealthIssues } | null = null;
  const healthIssues = (scan: boolean) => {
    const { scan: found, ...state } = health.state(scan);
    const gen = project.datasetGeneration;
    if (healthCache?.gen !== gen || healthCache.scan !== found)
      healthCache = { gen, scan: found, issues: healthIssuesOf(project.getSamples(), found) };
    return { issues: healthCache.issues, state };
  };

  // The label issues of the set being reviewed, by image (a duplicate that is also one keeps its score).
  let labelRows: { setId: number; rows: Map<number, IssueRow> } | null = null;
  const labelRowsOf = (set: IssueSetInfo) => {
    if (labelRows?.setId !== set.id) {
      const { rows } = project.issues.page(set.id, { status: 'all' }, 0, Number.MAX_SAFE_INTEGER);
      labelRows = { setId: set.id, rows: new Map(rows.map((r) => [r.sampleIndex, r])) };
    }
    return labelRows.rows;
  };

  // An averaged set's probabilities (computed from its runs), cached for the set being reviewed.
  let averaged: { setId: number; k: number; values: Float32Array } | null = null;
  const setProbs = (set: IssueSetInfo) => {
    if (set.runIds.length < 2) return ctx.runProbs(set.runId);
    if (averaged?.setId !== set.id) {
      let p: ReturnType<typeof issueSetProbabilities> | undefined;
      try {
        p = issueSetProbabilities(project, set);
      } catch {
        p = undefined; // a run of the set went stale (re-import): the issues are shown without probabilities
      }
      averaged = p ? { setId: set.id, k: p.numClasses, values: p.values } : null;
    }
    return averaged;
  };

  const toIssue = (
    r: IssueRow,
    decision: Decision | null,
    set: IssueSetInfo,
    session: string | undefined,
    h: HealthIssues,
  ): LabelIssue => {
    const probs = set.stale ? null : setProbs(set);
    // A stale set's indices may name other images: only its own (label) type is known.
    const types = set.stale
      ? ['label' as const]
      : issueTypesOf(h, r.sampleIndex, labelRowsOf(set).has(r.sampleIndex));
    return {
      rank: r.rank,
      sampleIndex: r.sampleIndex,
      path: r.path,
      givenLabel: r.givenLabel,
      suggestedLabel: r.suggestedLabel,
      quality: r.quality,
      probs: probs
        ? Array.from(probs.values.subarray(r.sampleIndex * probs.k, (r.sampleIndex + 1) * probs.k))
        : [],
      decision,
      claimedBy: ctx.claims.heldByOther(r.sampleIndex, session),
      types,
      partners: types.includes('duplicate') ? partnersOf(project, h, r.sampleIndex) : [],
      outlierScore: types.includes('outlier') ? h.outlierScoreOf.get(r.sampleIndex)! : null,
    };
  };

  return {
    computeIssues: (input) => {
      const k = project.getClasses().length;
      if (k > ctx.limits.maxClasses) {
        throw new ServiceError(
          'invalid_input',
          tooManyClasses('the dataset', `${k} classes`, ctx.limits).message,
        );
      }
      try {
        const set = computeIssueSet(project, input);
        ctx.emit({ type: 'project', reason: 'issues-computed' });
        return set;
      } catch (e) {
        if (e instanceof ProjectError) throw new ServiceError('conflict', e.message);
        throw e;
      }
    },

    listIssueSets: () => project.issues.list(),

    stopSignal: (input) => {
      if (input.setId !== undefined) ctx.issueSet(input.setId);
      return stopSignalOf(project, input.setId);
    },

    getIssues: (input): IssuePage => {
      const counts = reviewCounts(project);
      const set = input.setId === undefined ? project.issues.latest() : ctx.issueSet(input.setId);
      const type = input.filter.type;
      if (!set) return { set: null, total: 0, offset: input.offset, issues: [], counts, health: null };
      const { issues: h, state } = healthIssues(type !== 'label');
      const query = { ...input.filter, afterRank: input.afterRank };
      const { total, rows } =
        type === 'label'
          ? project.issues.page(set.id, query, input.offset, input.limit)
          : set.stale // duplicates and outliers are of the live dataset, never of a stale set's
            ? { total: 0, rows: [] }
            : pageOf(
                healthRows(
                  project,
                  healthList(h, type),
                  h,
                  labelRowsOf(set),
                  modelOf(setProbs(set), set.rankedBy),
                ),
                query,
                input.offset,
                input.limit,
              );
      // A stale set's indices may name other images now: its issues are listed, undecided and without
      // probabilities, only so the review can say it is out of date.
      const decisions = set.stale
        ? rows.map(() => null)
        : project.decisions.currentFor(rows.map((r) => r.path));
      return {
        set,
        total,
        offset: input.offset,
        issues: rows.map((r, i) => toIssue(r, decisions[i], set, input.session, h)),
        counts,
        health:
          type === 'label'
            ? null
            : { status: state.status, message: state.message, progress: state.progress },
      };
    },

    claimIssue: (input) => ctx.claim(input.sampleIndex, input.by),
  };
}
