import type { EpochPoint, Metrics, RunKind, RunStatus, RunSummary } from '../../../src-shared/domain';
import { blobToFloat32, blobToInt32, float32ToBlob, int32ToBlob } from './blobs';
import { readSnapshot, type Db } from './db';
import { writingTo } from './errors';
import { nowIso } from './time';

interface RunRow {
  id: number;
  kind: RunKind;
  status: RunStatus;
  dataset_gen: number;
  config_json: string;
  backend: string | null;
  started_at: string;
  finished_at: string | null;
  metrics_json: string | null;
  curves_json: string | null;
  notes_json: string;
  error: string | null;
  baseline_run_id: number | null;
}

export interface StoredFold {
  fold: number;
  testIndices: Int32Array;
  probs: Float32Array;
  curve: EpochPoint[];
  backend: string;
}

export interface RunRecord extends RunSummary {
  datasetGeneration: number;
}

const toRun = (r: RunRow): RunRecord => ({
  id: r.id,
  kind: r.kind,
  status: r.status,
  backend: r.backend,
  config: JSON.parse(r.config_json) as RunSummary['config'],
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  metrics: r.metrics_json ? (JSON.parse(r.metrics_json) as Metrics) : null,
  curves: r.curves_json ? (JSON.parse(r.curves_json) as EpochPoint[][]) : [],
  error: r.error,
  baselineRunId: r.baseline_run_id,
  notes: JSON.parse(r.notes_json) as string[],
  datasetGeneration: r.dataset_gen,
});

/** Training runs, their per-fold results (written as each fold ends) and their probabilities. */
export class RunStore {
  constructor(
    private readonly db: Db,
    private readonly generation: () => number,
  ) {}

  create(kind: RunKind, config: object, baselineRunId: number | null = null): number {
    return writingTo(this.db, () => {
      const info = this.db
        .prepare(
          `INSERT INTO runs (kind, status, dataset_gen, config_json, started_at, baseline_run_id)
           VALUES (?, 'running', ?, ?, ?, ?)`,
        )
        .run(kind, this.generation(), JSON.stringify(config), nowIso(), baselineRunId);
      return Number(info.lastInsertRowid);
    });
  }

  setBackend(runId: number, backend: string): void {
    return writingTo(this.db, () => {
      this.db.prepare(`UPDATE runs SET backend = ? WHERE id = ?`).run(backend, runId);
    });
  }

  /** Marks a run that was interrupted (process killed) as resumable-or-failed; returns their ids. */
  markInterrupted(): number[] {
    return writingTo(this.db, () => {
      const rows = this.db.prepare(`SELECT id FROM runs WHERE status = 'running'`).all() as { id: number }[];
      this.db
        .prepare(
          `UPDATE runs SET status = 'cancelled', error = 'interrupted (the process ended during the run)' WHERE status = 'running'`,
        )
        .run();
      return rows.map((r) => r.id);
    });
  }

  /** Re-opens a cancelled or failed cross-validation run for resumption. */
  reopen(runId: number): void {
    return writingTo(this.db, () => {
      this.db
        .prepare(`UPDATE runs SET status = 'running', error = NULL, finished_at = NULL WHERE id = ?`)
        .run(runId);
    });
  }

  saveFold(runId: number, f: StoredFold): void {
    return writingTo(this.db, () => {
      this.db
        .prepare(
          `INSERT OR REPLACE INTO run_folds (run_id, fold, test_indices, probs, curve_json, backend, finished_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          runId,
          f.fold,
          int32ToBlob(f.testIndices),
          float32ToBlob(f.probs),
          JSON.stringify(f.curve),
          f.backend,
          nowIso(),
        );
    });
  }

  folds(runId: number): StoredFold[] {
    const rows = this.db
      .prepare(
        `SELECT fold, test_indices, probs, curve_json, backend FROM run_folds WHERE run_id = ? ORDER BY fold`,
      )
      .all(runId) as {
      fold: number;
      test_indices: Buffer;
      probs: Buffer;
      curve_json: string;
      backend: string;
    }[];
    return rows.map((r) => ({
      fold: r.fold,
      testIndices: blobToInt32(r.test_indices),
      probs: blobToFloat32(r.probs),
      curve: JSON.parse(r.curve_json) as EpochPoint[],
      backend: r.backend,
    }));
  }

  /** Ends a run; for a finished run with probabilities, stores them in the same transaction. */
  finish(
    runId: number,
    result: {
      status: Exclude<RunStatus, 'running'>;
      metrics?: Metrics | null;
      curves?: EpochPoint[][];
      notes?: string[];
      error?: string | null;
      probs?: { numClasses: number; values: Float32Array };
    },
  ): void {
    writingTo(this.db, () =>
      this.db.transaction(() => {
        if (result.probs) {
          this.db
            .prepare(`INSERT OR REPLACE INTO run_probs (run_id, num_classes, probs) VALUES (?, ?, ?)`)
            .run(runId, result.probs.numClasses, float32ToBlob(result.probs.values));
        }
        this.db
          .prepare(
            `UPDATE runs SET status = ?, finished_at = ?, metrics_json = ?, curves_json = coalesce(?, curves_json),
                  notes_json = ?, error = ? WHERE id = ?`,
          )
          .run(
            result.status,
            nowIso(),
            result.metrics ? JSON.stringify(result.metrics) : null,
            result.curves ? JSON.stringify(result.curves) : null,
            JSON.stringify(result.notes ?? []),
            result.error ?? null,
            runId,
          );
      })(),
    );
  }

  get(runId: number): RunRecord | undefined {
    const row = this.db.prepare(`SELECT * FROM runs WHERE id = ?`).get(runId) as RunRow | undefined;
    return row ? toRun(row) : undefined;
  }

  list(): RunRecord[] {
    return (this.db.prepare(`SELECT * FROM runs ORDER BY id`).all() as RunRow[]).map(toRun);
  }

  /** The newest finished run of these kinds on the live dataset. */
  latest(kinds: RunKind[], status: RunStatus = 'done'): RunRecord | undefined {
    return readSnapshot(this.db, () => {
      const row = this.db
        .prepare(
          `SELECT * FROM runs WHERE status = ? AND dataset_gen = ? AND kind IN (${kinds.map(() => '?').join(',')})
            ORDER BY id DESC LIMIT 1`,
        )
        .get(status, this.generation(), ...kinds) as RunRow | undefined;
      return row ? toRun(row) : undefined;
    });
  }

  probs(runId: number): { numClasses: number; values: Float32Array } | undefined {
    const row = this.db.prepare(`SELECT num_classes, probs FROM run_probs WHERE run_id = ?`).get(runId) as
      { num_classes: number; probs: Buffer } | undefined;
    return row ? { numClasses: row.num_classes, values: blobToFloat32(row.probs) } : undefined;
  }
}
