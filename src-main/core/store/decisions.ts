import { randomUUID } from 'node:crypto';
import {
  finalLabelOf,
  type Decision,
  type DecisionAction,
  type DecisionEvent,
} from '../../../src-shared/domain';
import type { Statement } from 'better-sqlite3';
import { readSnapshot, type Db } from './db';
import { ProjectError, writingTo } from './errors';
import { nowIso } from './time';

/** Who decides: an annotator's name (recorded) and the review session whose undo stack the decision joins. */
export interface Reviewer {
  annotator: string;
  /** '' for clients that name no session (the CLI, projects older than sessions). */
  session: string;
}

/** What an undo or redo changed: the paths of its batch and the id of the event that changed each. */
export interface Reverted {
  batchId: string | null;
  paths: string[];
  eventIds: number[];
}

/** The sample a decision is about. Path is its durable identity; index is where it is now. */
export interface DecisionTarget {
  index: number;
  path: string;
  givenLabel: number;
}

/** A row of `current_decisions` joined with its sample of the live dataset (null columns: not in it). */
export interface CurrentRow {
  sample_path: string;
  idx: number | null;
  given_label: number | null;
  action: DecisionAction;
  new_label: number | null;
  annotator: string;
  decided_at: string;
  event_id: number;
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
export const toDecision = (r: CurrentRow): Decision => ({
  sampleIndex: r.idx ?? -1,
  path: r.sample_path,
  action: r.action,
  finalLabel: r.given_label === null ? r.new_label : finalLabelOf(r.action, r.new_label, r.given_label),
  annotator: r.annotator,
  decidedAt: r.decided_at,
  eventId: r.event_id,
});

const CURRENT_SELECT = `
  SELECT d.sample_path, s.idx, s.given_label, d.action, d.new_label, d.annotator, d.decided_at, d.event_id
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
    by: Reviewer | string,
  ): { batchId: string; decisions: Decision[] } {
    return this.recordBatch(
      targets.map((target) => ({ target, action, newLabel })),
      by,
    );
  }

  /** Several decisions, possibly different ones (e.g. "accept every suggestion"), as one batch. */
  recordBatch(
    items: { target: DecisionTarget; action: DecisionAction; newLabel: number | null }[],
    by: Reviewer | string,
  ): { batchId: string; decisions: Decision[] } {
    const { annotator, session } = reviewerOf(by);
    if (items.length === 0) throw new ProjectError('no samples to decide on');
    if (!annotator.trim()) throw new ProjectError('a decision needs an annotator name');
    const batchId = randomUUID();
    const at = nowIso();
    const insert = this.db.prepare(
      `INSERT INTO decision_events
         (sample_path, sample_idx, action, new_label, annotator, created_at, kind, batch_id, session)
       VALUES (?, ?, ?, ?, ?, ?, 'decide', ?, ?)`,
    );
    const decisions = writingTo(this.db, () =>
      this.db.transaction(() =>
        items.map(({ target: t, action, newLabel }): Decision => {
          if (action === 'relabel' && newLabel === null) throw new ProjectError('relabel needs a new label');
          const effective: DecisionAction =
            action === 'relabel' && newLabel === t.givenLabel ? 'keep' : action;
          const label = effective === 'relabel' ? newLabel : null;
          const { lastInsertRowid } = insert.run(
            t.path,
            t.index,
            effective,
            label,
            annotator,
            at,
            batchId,
            session,
          );
          return {
            sampleIndex: t.index,
            path: t.path,
            action: effective,
            finalLabel: finalLabelOf(effective, label, t.givenLabel),
            annotator,
            decidedAt: at,
            eventId: Number(lastInsertRowid),
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

  /** The id of the newest decision event (0: none yet). */
  latestEventId(): number {
    const r = this.db.prepare(`SELECT max(id) AS id FROM decision_events`).get() as { id: number | null };
    return r.id ?? 0;
  }

  /**
   * The events after `afterId`, oldest first, at most `limit`: which sample each changed, in which batch, and
   * where that sample is in the live dataset now (null: no longer in it). For telling clients about decisions
   * another process made.
   */
  eventsAfter(
    afterId: number,
    limit: number,
  ): { id: number; path: string; batchId: string; index: number | null }[] {
    return this.db
      .prepare(
        `SELECT e.id, e.sample_path AS path, e.batch_id AS batchId, s.idx AS "index"
           FROM decision_events e LEFT JOIN samples s ON s.gen = @gen AND s.path = e.sample_path
          WHERE e.id > @afterId ORDER BY e.id LIMIT @limit`,
      )
      .all({ gen: this.generation(), afterId, limit }) as {
      id: number;
      path: string;
      batchId: string;
      index: number | null;
    }[];
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

  /** The id of the latest event (0 when there is none): a version of every decision at once. */
  lastEventId(): number {
    return (this.db.prepare(`SELECT coalesce(max(id), 0) AS id FROM decision_events`).get() as { id: number })
      .id;
  }

  counts(): { keep: number; relabel: number; exclude: number } {
    return readSnapshot(this.db, () => {
      const out = { keep: 0, relabel: 0, exclude: 0 };
      const rows = this.db
        .prepare(
          // CROSS JOIN keeps current_decisions outside: O(decisions), not O(samples) (SQLite would scan samples).
          `SELECT d.action, count(*) AS n FROM current_decisions d
             CROSS JOIN samples s ON s.gen = ? AND s.path = d.sample_path GROUP BY d.action`,
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

  /** Undoes the reviewer's (annotator and session) latest batch that is not undone yet; returns the affected paths. */
  undo(by: Reviewer | string): Reverted {
    const reviewer = reviewerOf(by);
    // Reads, then writes: an immediate transaction takes the write lock first; a deferred one would fail with
    // SQLITE_BUSY when another process (training, a second reviewer) commits in between.
    return writingTo(this.db, () =>
      this.db
        .transaction(() => {
          const { done } = this.undoStacks(reviewer);
          const target = done.at(-1);
          if (!target) return { batchId: null, paths: [], eventIds: [] };
          const original = this.batchEvents(target);
          const firstId = original[0].id;
          const prior = this.db.prepare(
            `SELECT action, new_label FROM decision_events WHERE sample_path = ? AND id < ? ORDER BY id DESC LIMIT 1`,
          );
          const batchId = randomUUID();
          const at = nowIso();
          const eventIds = original.map((e) => {
            const before = prior.get(e.sample_path, firstId) as
              { action: DecisionAction | 'clear'; new_label: number | null } | undefined;
            return this.append(
              e,
              before?.action ?? 'clear',
              before?.new_label ?? null,
              reviewer,
              at,
              'undo',
              target,
              batchId,
            );
          });
          return { batchId, paths: original.map((e) => e.sample_path), eventIds };
        })
        .immediate(),
    );
  }

  /** Re-applies the reviewer's most recently undone batch, unless a new decision came after it. */
  redo(by: Reviewer | string): Reverted {
    const reviewer = reviewerOf(by);
    return writingTo(this.db, () =>
      this.db
        .transaction(() => {
          const { redo } = this.undoStacks(reviewer);
          const target = redo.at(-1);
          if (!target) return { batchId: null, paths: [], eventIds: [] };
          const original = this.batchEvents(target);
          const batchId = randomUUID();
          const at = nowIso();
          const eventIds = original.map((e) =>
            this.append(e, e.action, e.new_label, reviewer, at, 'redo', target, batchId),
          );
          return { batchId, paths: original.map((e) => e.sample_path), eventIds };
        })
        .immediate(),
    );
  }

  private appendStatement: Statement | undefined;

  private append(
    e: EventRow,
    action: DecisionAction | 'clear',
    newLabel: number | null,
    by: Reviewer,
    at: string,
    kind: 'undo' | 'redo',
    target: string,
    batchId: string,
  ): number {
    // Prepared once per store, not once per event: an undo of 2,000 decisions appends 2,000 events.
    this.appendStatement ??= this.db.prepare(
      `INSERT INTO decision_events
         (sample_path, sample_idx, action, new_label, annotator, created_at, kind, target_batch, batch_id, session)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const { lastInsertRowid } = this.appendStatement.run(
      e.sample_path,
      e.sample_idx,
      action,
      action === 'relabel' ? newLabel : null,
      by.annotator,
      at,
      kind,
      target,
      batchId,
      by.session,
    );
    return Number(lastInsertRowid);
  }

  /** The original decide events of a batch, oldest first. */
  private batchEvents(batchId: string): EventRow[] {
    return this.db
      .prepare(`SELECT * FROM decision_events WHERE batch_id = ? AND kind = 'decide' ORDER BY id`)
      .all(batchId) as EventRow[];
  }

  /** Replays the reviewer's log into the classic two stacks of undoable and redoable batches. */
  private undoStacks(by: Reviewer): { done: string[]; redo: string[] } {
    const rows = this.db
      .prepare(
        `SELECT kind, batch_id, target_batch FROM decision_events WHERE annotator = ? AND session = ?
          GROUP BY batch_id ORDER BY min(id)`,
      )
      .all(by.annotator, by.session) as Pick<EventRow, 'kind' | 'batch_id' | 'target_batch'>[];
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

const reviewerOf = (by: Reviewer | string): Reviewer =>
  typeof by === 'string' ? { annotator: by, session: '' } : by;

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
