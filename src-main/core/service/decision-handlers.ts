import {
  MAX_BULK_DECISIONS,
  type AcceptPreview,
  type DecisionsChanged,
  type UndoResult,
} from '../../../src-shared/api';
import type { Decision, DecisionAction, IssueSetInfo } from '../../../src-shared/domain';
import type { Reverted, Reviewer } from '../store/decisions';
import type { IssueQuery, IssueRow } from '../store/issues';
import { reviewCounts } from '../workflows/project-summary';
import type { Handlers, ServiceContext } from './context';
import { ServiceError } from './errors';

/** Which issues a bulk accept is about (see the contract's acceptSelection). */
interface AcceptSelection {
  setId?: number;
  filter: Omit<IssueQuery, 'afterRank'>;
  maxQuality?: number;
  sampleIndices?: number[];
}

/**
 * Human decisions: one decision (or a bulk one), accepting suggestions, undo, redo and a sample's history. Each
 * mutation answers with what changed and the new counts, and tells every client the same in one event.
 */
export function decisionHandlers(
  ctx: ServiceContext,
): Pick<Handlers, 'decide' | 'acceptSuggestions' | 'previewAccept' | 'undo' | 'redo' | 'decisionHistory'> {
  const { project } = ctx;

  const announce = (change: Omit<DecisionsChanged, 'counts'>) => {
    const counts = reviewCounts(project);
    ctx.emit({ type: 'decisions', ...change, counts });
    return counts;
  };

  const recorded = (requestId: string | undefined, r: { batchId: string; decisions: Decision[] }) => ({
    ...r,
    counts: announce({
      requestId: requestId ?? null,
      batchId: r.batchId,
      sampleIndices: r.decisions.map((d) => d.sampleIndex),
      decisions: r.decisions,
      eventIds: r.decisions.map((d) => d.eventId),
    }),
  });

  const reverted = (requestId: string | undefined, r: Reverted): UndoResult => {
    const decisions = project.decisions.currentFor(r.paths);
    // Samples of an undone batch may have left the dataset through a re-import: they change nothing visible.
    const indices = project.indicesOfPaths(r.paths);
    const live = r.paths
      .map((_p, i) => ({ index: indices[i], decision: decisions[i], eventId: r.eventIds[i] }))
      .filter((x) => x.index >= 0);
    const change = {
      requestId: requestId ?? null,
      sampleIndices: live.map((x) => x.index),
      decisions: live.map((x) => x.decision),
      eventIds: live.map((x) => x.eventId),
    };
    const counts =
      r.batchId && live.length ? announce({ ...change, batchId: r.batchId }) : reviewCounts(project);
    return {
      batchId: r.batchId,
      changed: change.sampleIndices,
      decisions: change.decisions,
      eventIds: change.eventIds,
      counts,
    };
  };

  /** Claims the issue the caller shows next, when it asked to in the same call. */
  const focused = <T extends object>(result: T, input: { focus?: number | null; by?: Reviewer }): T =>
    input.focus !== undefined && input.by ? { ...result, claim: ctx.claim(input.focus, input.by) } : result;

  /** Refuses to replace decisions another annotator made, naming them, unless the caller said to. */
  const guardOthers = (paths: string[], by: Reviewer, overwrite: boolean) => {
    if (overwrite) return;
    const others = project.decisions
      .currentFor(paths)
      .filter((d): d is Decision => d !== null && d.annotator !== by.annotator);
    if (others.length === 0) return;
    const names = [...new Set(others.map((d) => d.annotator))].join(', ');
    const first = others[0];
    throw new ServiceError(
      'decided_by_other',
      others.length === 1
        ? `${first.path} was already decided by ${first.annotator} (${first.action}); overwrite their decision?`
        : `${others.length} of these images were already decided by others (${names}); overwrite their decisions?`,
    );
  };

  /** The issues of a set a bulk accept selects, with their current decisions. */
  const selection = (
    s: AcceptSelection,
  ): { set: IssueSetInfo; rows: IssueRow[]; current: (Decision | null)[] } => {
    const set = ctx.issueSet(s.setId);
    if (set.stale) {
      throw new ServiceError(
        'conflict',
        `issue set #${set.id} was made before the dataset was re-imported; find the issues again first`,
      );
    }
    const cap = Math.min(s.maxQuality ?? 1, s.filter.maxQuality ?? 1);
    let { rows } = project.issues.page(set.id, { ...s.filter, maxQuality: cap }, 0, Number.MAX_SAFE_INTEGER);
    if (s.sampleIndices) {
      const inSet = new Map(rows.map((r) => [r.sampleIndex, r]));
      rows = [...new Set(s.sampleIndices)].map((i) => {
        const row = inSet.get(i);
        if (!row)
          throw new ServiceError(
            'not_found',
            `image index ${i} is not an issue of this filter in set #${set.id}`,
          );
        return row;
      });
    }
    return { set, rows, current: project.decisions.currentFor(rows.map((r) => r.path)) };
  };

  return {
    decide: (input) => {
      project.requireDataset();
      if (input.generation !== undefined && input.generation !== project.datasetGeneration) {
        throw new ServiceError(
          'conflict',
          'the dataset was re-imported since this review was loaded: reload it (nothing was saved)',
        );
      }
      if (input.action === 'relabel') ctx.requireClass(input.newLabel!);
      const by = ctx.reviewerOf(input.by);
      const targets = ctx.sampleTargets([...new Set(input.sampleIndices)]);
      guardOthers(
        targets.map((t) => t.path),
        by,
        input.overwrite,
      );
      const newLabel = input.action === 'relabel' ? input.newLabel! : null;
      return focused(
        recorded(input.requestId, project.decisions.record(targets, input.action, newLabel, by)),
        input,
      );
    },

    previewAccept: (input): AcceptPreview => {
      const by = ctx.reviewerOf(input.by);
      const { current } = selection(input);
      const decided = current.filter((d): d is Decision => d !== null);
      return {
        undecided: current.length - decided.length,
        decided: decided.length,
        decidedByOthers: decided.filter((d) => d.annotator !== by.annotator).length,
      };
    },

    acceptSuggestions: (input) => {
      const by = ctx.reviewerOf(input.by);
      const { rows, current } = selection(input);
      const chosen = rows.filter((_, i) => input.includeDecided || current[i] === null);
      if (chosen.length === 0) {
        throw new ServiceError(
          'not_found',
          rows.length === 0
            ? 'no issue matches this selection'
            : 'every selected issue already has a decision (include decided issues to change them)',
        );
      }
      // One batch is one SQLite transaction: kept short, so that the other clients are not kept waiting.
      if (chosen.length > MAX_BULK_DECISIONS) {
        throw new ServiceError(
          'invalid_input',
          `${chosen.length.toLocaleString('en-US')} issues match this selection; at most ` +
            `${MAX_BULK_DECISIONS.toLocaleString('en-US')} are accepted in one step: lower the score or narrow the filter`,
        );
      }
      const targets = ctx.sampleTargets(chosen.map((r) => r.sampleIndex));
      const r = project.decisions.recordBatch(
        chosen.map((row, i) => ({
          target: targets[i],
          action: 'relabel' as DecisionAction,
          newLabel: row.suggestedLabel,
        })),
        by,
      );
      return focused(recorded(input.requestId, r), input);
    },

    undo: (input) =>
      focused(reverted(input.requestId, project.decisions.undo(ctx.reviewerOf(input.by))), input),
    redo: (input) =>
      focused(reverted(input.requestId, project.decisions.redo(ctx.reviewerOf(input.by))), input),

    decisionHistory: (input) => {
      const s = project.getSample(input.sampleIndex);
      if (!s) throw new ServiceError('not_found', `image index ${input.sampleIndex} does not exist`);
      return project.decisions.history(s.path);
    },
  };
}
