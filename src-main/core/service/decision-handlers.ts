import type { DecisionsChanged, UndoResult } from '../../../src-shared/api';
import type { Decision, DecisionAction } from '../../../src-shared/domain';
import { reviewCounts } from '../workflows/project-summary';
import type { Handlers, ServiceContext } from './context';
import { ServiceError } from './errors';

/**
 * Human decisions: one decision (or a bulk one), accepting suggestions, undo, redo and a sample's history. Each
 * mutation answers with what changed and the new counts, and tells every client the same in one event.
 */
export function decisionHandlers(
  ctx: ServiceContext,
): Pick<Handlers, 'decide' | 'acceptSuggestions' | 'undo' | 'redo' | 'decisionHistory'> {
  const { project, annotator } = ctx;

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
    }),
  });

  const reverted = (
    requestId: string | undefined,
    r: { batchId: string | null; paths: string[] },
  ): UndoResult => {
    const decisions = project.decisions.currentFor(r.paths);
    // Samples of an undone batch may have left the dataset through a re-import: they change nothing visible.
    const live = r.paths
      .map((p, i) => ({ index: project.getSampleByPath(p)?.index ?? -1, decision: decisions[i] }))
      .filter((x) => x.index >= 0);
    const change = {
      requestId: requestId ?? null,
      sampleIndices: live.map((x) => x.index),
      decisions: live.map((x) => x.decision),
    };
    const counts =
      r.batchId && live.length ? announce({ ...change, batchId: r.batchId }) : reviewCounts(project);
    return { batchId: r.batchId, changed: change.sampleIndices, decisions: change.decisions, counts };
  };

  return {
    decide: (input) => {
      project.requireDataset();
      if (input.action === 'relabel') ctx.requireClass(input.newLabel!);
      const targets = ctx.sampleTargets(input.sampleIndices);
      const newLabel = input.action === 'relabel' ? input.newLabel! : null;
      return recorded(input.requestId, project.decisions.record(targets, input.action, newLabel, annotator));
    },

    acceptSuggestions: (input) => {
      const set = project.issues.latest();
      if (!set) throw new ServiceError('conflict', 'no label issues yet: train and find issues first');
      const filter = {
        ...input.filter,
        maxQuality: Math.min(input.maxQuality, input.filter.maxQuality ?? 1),
      };
      const { rows } = project.issues.page(set.id, filter, 0, Number.MAX_SAFE_INTEGER);
      if (rows.length === 0) throw new ServiceError('not_found', 'no issue matches this filter and score');
      const targets = ctx.sampleTargets(rows.map((r) => r.sampleIndex));
      const r = project.decisions.recordBatch(
        rows.map((row, i) => ({
          target: targets[i],
          action: 'relabel' as DecisionAction,
          newLabel: row.suggestedLabel,
        })),
        annotator,
      );
      return recorded(input.requestId, r);
    },

    undo: (input) => reverted(input.requestId, project.decisions.undo(annotator)),
    redo: (input) => reverted(input.requestId, project.decisions.redo(annotator)),

    decisionHistory: (input) => {
      const s = project.getSample(input.sampleIndex);
      if (!s) throw new ServiceError('not_found', `image index ${input.sampleIndex} does not exist`);
      return project.decisions.history(s.path);
    },
  };
}
