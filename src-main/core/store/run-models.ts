import type { ModelSpec, SerializedModel } from '../train/model-weights';
import { blobToFloat32, float32ToBlob } from './blobs';
import type { Db } from './db';
import { writingTo } from './errors';
import { nowIso } from './time';

/** Fold number under which a run's single (hold-out) model is stored. */
export const SINGLE_MODEL = -1;

export interface StoredModelInfo {
  runId: number;
  fold: number;
  spec: ModelSpec;
  bytes: number;
}

/** The trained weights of each model of a run: every CV fold, or a hold-out run's one model. */
export class RunModelStore {
  constructor(private readonly db: Db) {}

  save(runId: number, fold: number, m: SerializedModel): void {
    writingTo(this.db, () =>
      this.db
        .prepare(
          `INSERT OR REPLACE INTO run_models (run_id, fold, spec_json, weights, created_at) VALUES (?, ?, ?, ?, ?)`,
        )
        .run(runId, fold, JSON.stringify(m.spec), float32ToBlob(m.weights), nowIso()),
    );
  }

  get(runId: number, fold: number): SerializedModel | undefined {
    const row = this.db
      .prepare(`SELECT spec_json, weights FROM run_models WHERE run_id = ? AND fold = ?`)
      .get(runId, fold) as { spec_json: string; weights: Buffer } | undefined;
    return row
      ? { spec: JSON.parse(row.spec_json) as ModelSpec, weights: blobToFloat32(row.weights) }
      : undefined;
  }

  /** What is stored for a run, without the weights. */
  list(runId: number): StoredModelInfo[] {
    const rows = this.db
      .prepare(
        `SELECT fold, spec_json, length(weights) AS bytes FROM run_models WHERE run_id = ? ORDER BY fold`,
      )
      .all(runId) as { fold: number; spec_json: string; bytes: number }[];
    return rows.map((r) => ({
      runId,
      fold: r.fold,
      spec: JSON.parse(r.spec_json) as ModelSpec,
      bytes: r.bytes,
    }));
  }
}
