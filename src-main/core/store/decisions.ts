import { randomUUID } from 'node:crypto';
import {
  finalLabelOf,
  type Decision,
  type DecisionAction,
  type DecisionEvent,
} from '../../../src-shared/domain';
import { readSnapshot, type Db } from './db';
import { ProjectError, writingTo } from './errors';
import { nowIso } from './time';

/** The sample a decision is about. Path is its durable identity; index is where it is now. */
export interface DecisionTarget {
  index: number;
  path: string;
  givenLabel: number;
}

interface CurrentRow {
  sample_path: string;
  idx: number | null;
  given_label: number | null;
  action: DecisionAction;
  new_label: number | null;
  annotator: string;
  decided_at: string;
}

interface EventRow {
  id: number;
  sample_path: string;
  sample_idx: number;
  action: DecisionAction | 'clear';
  new_label: number | null;
  annotator: string;
  created_at: string;
  kind: 'decide' | 'undo' | 'redo';
  target_batch: string | null;
  batch_id: string;
}

// An orphan (its image left the dataset in a re-import) has no index and no given label any more.
const toDecision = (r: CurrentRow): Decision => ({
  sampleIndex: r.idx ?? -1,
  path: r.sample_path,
  action: r.action,
  finalLabel: r.given_label === null ? r.new_label : finalLabelOf(r.action, r.new_label, r.given_label),
  annotator: r.annotator,
  decidedAt: r.decided_at,
});

const CURRENT_SELECT = `
  SELECT d.sample_path, s.idx, s.given_label, d.action, d.new_label, d.annotator, d.decided_at
    FROM current_decisions d LEFT JOIN samples s ON s.gen = @gen AND s.path = d.sample_path`;

/**
 * Human decisions as an append-only event log. The current decision of a sample is its latest event
 * (kept in `current_decisions` by a trigger); undo and redo append events too, so the audit trail is complete.
 */
export class DecisionStore {
  constructor(
    private readonly db: Db,
    private readonly generation: () => number,
  ) {}

  /**
   * Records one decision for one or more samples as a single batch (one undo step), durably, before returning.
   * A relabel to the sample's given label is stored as a keep: that is what it means.
   */
  record(
    targets: DecisionTarget[],
    action: DecisionAction,
    newLabel: number | null,
    annotator: string,
  ): { batchId: string; decisions: Decision[] } {
    return this.recordBatch(
      targets.map((target) => ({ target, action, newLabel })),
      annotator,
    );
  }

  /** Several decisions, possibly different ones (e.g. "accept every suggestion"), as one batch. */
  recordBatch(
    items: { target: DecisionTarget; action: DecisionAction; newLabel: number | null }[],
    annotator: string,
  ): { batchId: string; decisions: Decision[] } {
    if (items.length === 0) throw new ProjectError('no samples to decide on');
    if (!annotator.trim()) throw new ProjectError('a decision needs an annotator name');
    const batchId = randomUUID();
    const at = nowIso();
    const insert = this.db.prepare(
      `INSERT INTO decision_events (sample_path, sample_idx, action, new_label, annotator, created_at, kind, batch_id)
       VALUES (?, ?, ?, ?, ?, ?, 'decide', ?)`,
    );
    const decisions = writingTo(this.db, () =>
      this.db.transaction(() =>
        items.map(({ target: t, action, newLabel }): Decision => {
          if (action === 'relabel' && newLabel === null) throw new ProjectError('relabel needs a new label');
          const effective: DecisionAction =
            action === 'relabel' && newLabel === t.givenLabel ? 'keep' : action;
          const label = effective === 'relabel' ? newLabel : null;
          insert.run(t.path, t.index, effective, label, annotator, at, batchId);
          return {
            sampleIndex: t.index,
            path: t.path,
            action: effective,
            finalLabel: finalLabelOf(effective, label, t.givenLabel),
            annotator,
            decidedAt: at,
          };
        }),
      )(),
    );
    return { batchId, decisions };
  }

  /** Current decisions of samples in the live dataset (orphans of a re-import are left out). */
  current(): Decision[] {
    return readSnapshot(this.db, () => {
      const rows = this.db
        .prepare(`${CURRENT_SELECT} WHERE s.idx IS NOT NULL ORDER BY s.idx`)
        .all({ gen: this.generation() }) as CurrentRow[];
      return rows.map((r) => toDecision(r));
    });
  }

  /** Current decision of each path (null when undecided), in the order given. */
  currentFor(paths: string[]): (Decision | null)[] {
    return readSnapshot(this.db, () => {
      const stmt = this.db.prepare(`${CURRENT_SELECT} WHERE d.sample_path = @path`);
      const gen = this.generation();
      return paths.map((path) => {
        const row = stmt.get({ gen, path }) as CurrentRow | undefined;
        return row ? toDecision(row) : null;
      });
    });
  }

  /** Decisions whose sample is no longer in the dataset (after a re-import); kept, never deleted. */
  orphaned(): Decision[] {
    return readSnapshot(this.db, () => {
      const rows = this.db
        .prepare(`${CURRENT_SELECT} WHERE s.idx IS NULL ORDER BY d.sample_path`)
        .all({ gen: this.generation() }) as CurrentRow[];
      return rows.map((r) => toDecision(r));
    });
  }

  counts(): { keep: number; relabel: number; exclude: number } {
    return readSnapshot(this.db, () => {
      const out = { keep: 0, relabel: 0, exclude: 0 };
      const rows = this.db
        .prepare(
          `SELECT d.action, count(*) AS n FROM current_decisions d
             JOIN samples s ON s.gen = ? AND s.path = d.sample_path GROUP BY d.action`,
        )
        .all(this.generation()) as { action: DecisionAction; n: number }[];
      for (const r of rows) out[r.action] = r.n;
      return out;
    });
  }

  /** Every event of one sample, oldest first. */
  history(path: string): DecisionEvent[] {
    const rows = this.db
      .prepare(`SELECT * FROM decision_events WHERE sample_path = ? ORDER BY id`)
      .all(path) as EventRow[];
    return rows.map(toEvent);
  }

  /** The whole log, oldest first (for audits and exports). */
  allEvents(): DecisionEvent[] {
    return (this.db.prepare(`SELECT * FROM decision_events ORDER BY id`).all() as EventRow[]).map(toEvent);
  }

  /** Undoes this annotator's latest batch that is not undone yet; returns the affected paths. */
  undo(annotator: string): { batchId: string | null; paths: string[] } {
    // Reads, then writes: an immediate transaction takes the write lock first; a deferred one would fail with
    // SQLITE_BUSY when another process (training, a second reviewer) commits in between.
    return writingTo(this.db, () =>
      this.db
        .transaction(() => {
          const { done } = this.undoStacks(annotator);
          const target = done.at(-1);
          if (!target) return { batchId: null, paths: [] };
          const original = this.batchEvents(target);
          const firstId = original[0].id;
          const prior = this.db.prepare(
            `SELECT action, new_label FROM decision_events WHERE sample_path = ? AND id < ? ORDER BY id DESC LIMIT 1`,
          );
          const batchId = randomUUID();
          const at = nowIso();
          for (const e of original) {
            const before = prior.get(e.sample_path, firstId) as
              { action: DecisionAction | 'clear'; new_label: number | null } | undefined;
            this.append(
              e,
              before?.action ?? 'clear',
              before?.new_label ?? null,
              annotator,
              at,
              'undo',
              target,
              batchId,
            );
          }
          return { batchId, paths: original.map((e) => e.sample_path) };
        })
        .immediate(),
    );
  }

  /** Re-applies this annotator's most recently undone batch, unless a new decision came after it. */
  redo(annotator: string): { batchId: string | null; paths: string[] } {
    return writingTo(this.db, () =>
      this.db
        .transaction(() => {
          const { redo } = this.undoStacks(annotator);
          const target = redo.at(-1);
          if (!target) return { batchId: null, paths: [] };
          const original = this.batchEvents(target);
          const batchId = randomUUID();
          const at = nowIso();
          for (const e of original)
            this.append(e, e.action, e.new_label, annotator, at, 'redo', target, batchId);
          return { batchId, paths: original.map((e) => e.sample_path) };
        })
        .immediate(),
    );
  }

  private append(
    e: EventRow,
    action: DecisionAction | 'clear',
    newLabel: number | null,
    annotator: string,
    at: string,
    kind: 'undo' | 'redo',
    target: string,
    batchId: string,
  ): void {
    this.db
      .prepare(
        `INSERT INTO decision_events
           (sample_path, sample_idx, action, new_label, annotator, created_at, kind, target_batch, batch_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        e.sample_path,
        e.sample_idx,
        action,
        action === 'relabel' ? newLabel : null,
        annotator,
        at,
        kind,
        target,
        batchId,
      );
  }

  /** The original decide events of a batch, oldest first. */
  private batchEvents(batchId: string): EventRow[] {
    return this.db
      .prepare(`SELECT * FROM decision_events WHERE batch_id = ? AND kind = 'decide' ORDER BY id`)
      .all(batchId) as EventRow[];
  }

  /** Replays the annotator's log into the classic two stacks of undoable and redoable batches. */
  private undoStacks(annotator: string): { done: string[]; redo: string[] } {
    const rows = this.db
      .prepare(
        `SELECT kind, batch_id, target_batch FROM decision_events WHERE annotator = ?
          GROUP BY batch_id ORDER BY min(id)`,
      )
      .all(annotator) as Pick<EventRow, 'kind' | 'batch_id' | 'target_batch'>[];
    const done: string[] = [];
    let redo: string[] = [];
    for (const r of rows) {
      if (r.kind === 'decide') {
        done.push(r.batch_id);
        redo = [];
      } else if (r.kind === 'undo' && r.target_batch) {
        const i = done.lastIndexOf(r.target_batch);
        if (i >= 0) done.splice(i, 1);
        redo.push(r.target_batch);
      } else if (r.kind === 'redo' && r.target_batch) {
        const i = redo.lastIndexOf(r.target_batch);
        if (i >= 0) redo.splice(i, 1);
        done.push(r.target_batch);
      }
    }
    return { done, redo };
  }
}

const toEvent = (r: EventRow): DecisionEvent => ({
  id: r.id,
  sampleIndex: r.sample_idx,
  path: r.sample_path,
  action: r.action,
  newLabel: r.new_label,
  annotator: r.annotator,
  createdAt: r.created_at,
  kind: r.kind,
  batchId: r.batch_id,
});
