import type { IssuePage } from '../../../src-shared/api';
import type { Decision, IssueSetInfo, LabelIssue } from '../../../src-shared/domain';
import { tooManyClasses } from '../limits';
import { ProjectError } from '../store/errors';
import type { IssueRow } from '../store/issues';
import { computeIssueSet, issueSetProbabilities } from '../workflows/label-issues';
import { reviewCounts } from '../workflows/project-summary';
import { stopSignalOf } from '../workflows/rounds';
import type { Handlers, ServiceContext } from './context';
import { ServiceError } from './errors';

/** The review queue: ranking label issues, paging through a set, and who has which issue on screen. */
export function issueHandlers(
  ctx: ServiceContext,
): Pick<Handlers, 'computeIssues' | 'listIssueSets' | 'stopSignal' | 'getIssues' | 'claimIssue'> {
  const { project } = ctx;

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
  ): LabelIssue => {
    const probs = set.stale ? null : setProbs(set);
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
      if (!set) return { set: null, total: 0, offset: input.offset, issues: [], counts };
      const query = { ...input.filter, afterRank: input.afterRank };
      const { total, rows } = project.issues.page(set.id, query, input.offset, input.limit);
      // A stale set's indices may name other images now: its issues are listed, undecided and without
      // probabilities, only so the review can say it is out of date.
      const decisions = set.stale
        ? rows.map(() => null)
        : project.decisions.currentFor(rows.map((r) => r.path));
      return {
        set,
        total,
        offset: input.offset,
        issues: rows.map((r, i) => toIssue(r, decisions[i], set, input.session)),
        counts,
      };
    },

    claimIssue: (input) => ctx.claim(input.sampleIndex, input.by),
  };
}
