import type {
  DecisionAction,
  FilterBy,
  IssueSetInfo,
  RankedBy,
  TrainingLabels,
} from '../../../src-shared/domain';
import type { Db } from './db';
import { writingTo } from './errors';
import { nowIso } from './time';

export interface IssueRow {
  rank: number;
  sampleIndex: number;
  path: string;
  givenLabel: number;
  suggestedLabel: number;
  quality: number;
  decided: boolean;
}

export interface IssueQuery {
  /** Only issues ranked after this one (keyset paging: immune to the list shrinking under a status filter). */
  afterRank?: number;
  givenClass?: number;
  suggestedClass?: number;
  status: 'all' | 'decided' | 'undecided';
  minQuality?: number;
  maxQuality?: number;
}

interface SetRow {
  id: number;
  run_id: number;
  filter_by: FilterBy;
  ranked_by: RankedBy;
  created_at: string;
  dataset_gen: number | null;
  run_ids_json: string | null;
  round: number;
  labels: TrainingLabels;
  estimated_errors: number | null;
  skipped_decided: number;
  n: number;
}

/** What a set records about how it was made, beside its issues. */
export interface IssueSetMaking {
  labels: TrainingLabels;
  estimatedErrors: number | null;
  skippedDecided: number;
}

/** A reviewed issue of a set: its rank and the current decision on it. */
export interface ReviewedIssue {
  rank: number;
  action: DecisionAction;
  /** The event of the current decision (ids only grow: larger is later). */
  eventId: number;
}

/** Ranked label-issue sets: the review queue of a cross-validation run. */
export class IssueStore {
  constructor(
    private readonly db: Db,
    private readonly generation: () => number,
  ) {}

  /**
   * Stores a ranked issue set of the live dataset generation (its sample indices refer to it). Its round is the
   * round of its run's earlier sets (re-ranking the same run), else the next round of this generation. `runIds`:
   * the runs whose averaged probabilities ranked the set (the first is `runId`), when several.
   */
  save(
    runId: number,
    filterBy: FilterBy,
    rankedBy: RankedBy,
    issues: Omit<IssueRow, 'rank' | 'decided'>[],
    making: IssueSetMaking = { labels: 'given', estimatedErrors: null, skippedDecided: 0 },
    runIds?: number[],
  ): IssueSetInfo {
    const gen = this.generation();
    return writingTo(this.db, () =>
      this.db.transaction(() => {
        const { sameRun, latest } = this.db
          .prepare(
            `SELECT max(CASE WHEN run_id = @runId THEN round END) AS sameRun, max(round) AS latest
               FROM issue_sets WHERE dataset_gen = @gen`,
          )
          .get({ runId, gen }) as { sameRun: number | null; latest: number | null };
        const round = sameRun ?? (latest ?? 0) + 1;
        const info = this.db
          .prepare(
            `INSERT INTO issue_sets
               (run_id, filter_by, ranked_by, created_at, dataset_gen, round, labels, estimated_errors, skipped_decided,
                run_ids_json)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            runId,
            filterBy,
            rankedBy,
            nowIso(),
            gen,
            round,
            making.labels,
            making.estimatedErrors,
            making.skippedDecided,
            runIds && runIds.length > 1 ? JSON.stringify(runIds) : null,
          );
        const setId = Number(info.lastInsertRowid);
        const insert = this.db.prepare(
          `INSERT INTO issues (set_id, rank, sample_idx, sample_path, given_label, suggested_label, quality)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
        );
        issues.forEach((i, rank) =>
          insert.run(setId, rank + 1, i.sampleIndex, i.path, i.givenLabel, i.suggestedLabel, i.quality),
        );
        return this.setInfo(setId)!;
      })(),
    );
  }

  latest(): IssueSetInfo | null {
    const row = this.db.prepare(`SELECT max(id) AS id FROM issue_sets`).get() as { id: number | null };
    return row.id === null ? null : this.setInfo(row.id);
  }

  /** Every issue set, newest first. */
  list(): IssueSetInfo[] {
    const ids = this.db.prepare(`SELECT id FROM issue_sets ORDER BY id DESC`).all() as { id: number }[];
    return ids.map((r) => this.setInfo(r.id)!);
  }

  setInfo(setId: number): IssueSetInfo | null {
    const row = this.db
      .prepare(
        `SELECT s.*, (SELECT count(*) FROM issues i WHERE i.set_id = s.id) AS n FROM issue_sets s WHERE s.id = ?`,
      )
      .get(setId) as SetRow | undefined;
    return row
      ? {
          id: row.id,
          runId: row.run_id,
          runIds: row.run_ids_json ? (JSON.parse(row.run_ids_json) as number[]) : [row.run_id],
          filterBy: row.filter_by,
          rankedBy: row.ranked_by,
          count: row.n,
          createdAt: row.created_at,
          datasetGeneration: row.dataset_gen ?? 0,
          stale: (row.dataset_gen ?? 0) !== this.generation(),
          round: row.round,
          labels: row.labels,
          estimatedErrors: row.estimated_errors,
          skippedDecided: row.skipped_decided,
        }
      : null;
  }

  /** How many issues of the set have a current decision. */
  reviewedCount(setId: number): number {
    return (
      this.db
        .prepare(
          `SELECT count(*) AS n FROM issues i JOIN current_decisions d ON d.sample_path = i.sample_path
            WHERE i.set_id = ?`,
        )
        .get(setId) as { n: number }
    ).n;
  }

  /** The sets of the live dataset generation, one per round (the latest of each), oldest round first. */
  roundSets(): IssueSetInfo[] {
    const ids = this.db
      .prepare(`SELECT max(id) AS id FROM issue_sets WHERE dataset_gen = ? GROUP BY round ORDER BY round`)
      .all(this.generation()) as { id: number }[];
    return ids.map((r) => this.setInfo(r.id)!);
  }

  /** The issues of a set that have a current decision, with it, in rank order. */
  reviewed(setId: number): ReviewedIssue[] {
    return (
      this.db
        .prepare(
          `SELECT i.rank, d.action, d.event_id FROM issues i JOIN current_decisions d ON d.sample_path = i.sample_path
            WHERE i.set_id = ? ORDER BY i.rank`,
        )
        .all(setId) as { rank: number; action: DecisionAction; event_id: number }[]
    ).map((r) => ({ rank: r.rank, action: r.action, eventId: r.event_id }));
  }

  /** When each decision on an issue of the set was made (decide events only, not undo/redo), oldest first. */
  decisionTimes(setId: number): string[] {
    return (
      this.db
        .prepare(
          `SELECT e.created_at FROM decision_events e
            WHERE e.kind = 'decide' AND e.sample_path IN (SELECT sample_path FROM issues WHERE set_id = ?)
            ORDER BY e.id`,
        )
        .all(setId) as { created_at: string }[]
    ).map((r) => r.created_at);
  }

  /** One page of the set in rank order, filtered; `total` counts every match. */
  page(setId: number, q: IssueQuery, offset: number, limit: number): { total: number; rows: IssueRow[] } {
    const where = ['i.set_id = @setId'];
    const params: Record<string, unknown> = { setId, offset, limit };
    if (q.afterRank !== undefined) {
      where.push('i.rank > @afterRank');
      params.afterRank = q.afterRank;
    }
    if (q.givenClass !== undefined) {
      where.push('i.given_label = @givenClass');
      params.givenClass = q.givenClass;
    }
    if (q.suggestedClass !== undefined) {
      where.push('i.suggested_label = @suggestedClass');
      params.suggestedClass = q.suggestedClass;
    }
    if (q.minQuality !== undefined) {
      where.push('i.quality >= @minQuality');
      params.minQuality = q.minQuality;
    }
    if (q.maxQuality !== undefined) {
      where.push('i.quality <= @maxQuality');
      params.maxQuality = q.maxQuality;
    }
    if (q.status === 'decided') where.push('d.sample_path IS NOT NULL');
    if (q.status === 'undecided') where.push('d.sample_path IS NULL');
    const from = `FROM issues i LEFT JOIN current_decisions d ON d.sample_path = i.sample_path WHERE ${where.join(' AND ')}`;
    const { n } = this.db.prepare(`SELECT count(*) AS n ${from}`).get(params) as { n: number };
    const rows = this.db
      .prepare(
        `SELECT i.rank, i.sample_idx, i.sample_path, i.given_label, i.suggested_label, i.quality,
                d.sample_path IS NOT NULL AS decided
           ${from} ORDER BY i.rank LIMIT @limit OFFSET @offset`,
      )
      .all(params) as {
      rank: number;
      sample_idx: number;
      sample_path: string;
      given_label: number;
      suggested_label: number;
      quality: number;
      decided: number;
    }[];
    return {
      total: n,
      rows: rows.map((r) => ({
        rank: r.rank,
        sampleIndex: r.sample_idx,
        path: r.sample_path,
        givenLabel: r.given_label,
        suggestedLabel: r.suggested_label,
        quality: r.quality,
        decided: r.decided === 1,
      })),
    };
  }
}
