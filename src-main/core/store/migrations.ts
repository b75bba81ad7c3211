import type { Db } from './db';
import { ProjectError } from './errors';

/** Identifies our files: SQLite's application_id header field ("RLBL"). */
export const APPLICATION_ID = 0x524c424c;

/**
 * Schema migrations, in order. Migration i brings the schema from version i to i + 1
 * (PRAGMA user_version). Never edit a released migration: add a new one.
 */
export const migrations: readonly string[] = [
  // v1: the dataset and the human decisions.
  `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE classes (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
  -- A dataset import writes a new generation; meta.active_gen says which one is live, so an
  -- interrupted import never leaves a half-written dataset visible.
  CREATE TABLE samples (
    gen INTEGER NOT NULL,
    idx INTEGER NOT NULL,
    path TEXT NOT NULL,
    hash TEXT NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    given_label INTEGER NOT NULL,
    pixels BLOB NOT NULL,
    thumb BLOB NOT NULL,
    thumb_mime TEXT NOT NULL,
    PRIMARY KEY (gen, idx)
  );
  CREATE UNIQUE INDEX samples_by_path ON samples (gen, path);
  -- Append-only: undo and redo are events too. Samples are referenced by path, the identity that
  -- survives a re-import in another order.
  CREATE TABLE decision_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    sample_path TEXT NOT NULL,
    sample_idx INTEGER NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('keep', 'relabel', 'exclude', 'clear')),
    new_label INTEGER,
    annotator TEXT NOT NULL,
    created_at TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('decide', 'undo', 'redo')),
    target_batch TEXT,
    batch_id TEXT NOT NULL,
    CHECK ((action = 'relabel') = (new_label IS NOT NULL))
  );
  CREATE INDEX decision_events_by_path ON decision_events (sample_path, id);
  CREATE INDEX decision_events_by_annotator ON decision_events (annotator, id);
  -- The current decision per sample, derived from the events by trigger in the same transaction.
  CREATE TABLE current_decisions (
    sample_path TEXT PRIMARY KEY,
    action TEXT NOT NULL,
    new_label INTEGER,
    annotator TEXT NOT NULL,
    decided_at TEXT NOT NULL,
    event_id INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE TRIGGER decision_events_apply AFTER INSERT ON decision_events BEGIN
    DELETE FROM current_decisions WHERE sample_path = NEW.sample_path AND NEW.action = 'clear';
    INSERT OR REPLACE INTO current_decisions (sample_path, action, new_label, annotator, decided_at, event_id)
      SELECT NEW.sample_path, NEW.action, NEW.new_label, NEW.annotator, NEW.created_at, NEW.id
      WHERE NEW.action <> 'clear';
  END;
  CREATE TRIGGER decision_events_no_update BEFORE UPDATE ON decision_events BEGIN
    SELECT RAISE(ABORT, 'decision history is append-only');
  END;
  CREATE TRIGGER decision_events_no_delete BEFORE DELETE ON decision_events BEGIN
    SELECT RAISE(ABORT, 'decision history is append-only');
  END;
  `,
  // v2: training runs, their out-of-fold probabilities and the ranked label issues.
  `
  CREATE TABLE runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL CHECK (kind IN ('cv', 'holdout', 'retrain', 'imported')),
    status TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed', 'cancelled')),
    dataset_gen INTEGER NOT NULL,
    config_json TEXT NOT NULL,
    backend TEXT,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    metrics_json TEXT,
    curves_json TEXT,
    notes_json TEXT NOT NULL DEFAULT '[]',
    error TEXT,
    baseline_run_id INTEGER REFERENCES runs (id)
  );
  -- One row per finished fold, written as the fold ends, so a run resumes at fold granularity.
  CREATE TABLE run_folds (
    run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    fold INTEGER NOT NULL,
    test_indices BLOB NOT NULL,
    probs BLOB NOT NULL,
    curve_json TEXT NOT NULL,
    backend TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    PRIMARY KEY (run_id, fold)
  );
  -- Out-of-fold (cv, imported) or hold-out (holdout, retrain) probabilities: float32 rows of num_classes,
  -- one per sample index; NaN rows for samples the run did not predict.
  CREATE TABLE run_probs (
    run_id INTEGER PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
    num_classes INTEGER NOT NULL,
    probs BLOB NOT NULL
  );
  CREATE TABLE issue_sets (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id INTEGER NOT NULL REFERENCES runs (id),
    filter_by TEXT NOT NULL,
    ranked_by TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE TABLE issues (
    set_id INTEGER NOT NULL REFERENCES issue_sets (id) ON DELETE CASCADE,
    rank INTEGER NOT NULL,
    sample_idx INTEGER NOT NULL,
    sample_path TEXT NOT NULL,
    given_label INTEGER NOT NULL,
    suggested_label INTEGER NOT NULL,
    quality REAL NOT NULL,
    PRIMARY KEY (set_id, rank)
  );
  CREATE INDEX issues_by_path ON issues (set_id, sample_path);
  `,
  // v3: review sessions and issue sets tied to the dataset they were computed on.
  `
  -- Each browser tab (or desktop window) reviews as its own session with its own undo stack; '' is the session
  -- of clients that name none (the CLI, older projects).
  ALTER TABLE decision_events ADD COLUMN session TEXT NOT NULL DEFAULT '';
  DROP INDEX decision_events_by_annotator;
  CREATE INDEX decision_events_by_session ON decision_events (annotator, session, id);
  -- The dataset generation an issue set's sample indices refer to; after a re-import the set is out of date.
  ALTER TABLE issue_sets ADD COLUMN dataset_gen INTEGER;
  UPDATE issue_sets SET dataset_gen = (SELECT r.dataset_gen FROM runs r WHERE r.id = issue_sets.run_id);
  `,
  // v4: evidence — the class-evidence (per-pixel F) map cached per dataset generation, and the trained
  // weights of each model of a run (every CV fold, the single hold-out model) for explaining predictions.
  `
  CREATE TABLE class_evidence (
    gen INTEGER PRIMARY KEY,
    num_classes INTEGER NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    -- images per class that went into the map, and a few sample indices per class to show beside it
    counts_json TEXT NOT NULL,
    samples_json TEXT NOT NULL,
    -- float64, num_classes × height × width: F of each class vs the rest, then each class's mean gray image
    f BLOB NOT NULL,
    means BLOB NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE TABLE run_models (
    run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    -- the CV fold whose held-out images this model predicted; -1 for a run's single (hold-out) model
    fold INTEGER NOT NULL,
    spec_json TEXT NOT NULL,
    weights BLOB NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (run_id, fold)
  );
  `,
  // v5: the class counts every projectInfo shows, from an index instead of a scan of every sample's pixels
  // (100,000 samples: a second of a served project's event loop, cold).
  `
  CREATE INDEX IF NOT EXISTS samples_by_label ON samples (gen, given_label);
  `,
  // v6: image embeddings of a pretrained backbone, and issue sets ranked on several runs' averaged probabilities.
  `
  -- float16 feature vectors of consecutive samples first_idx … first_idx + count - 1, per dataset generation and
  -- backbone (files, node and input size); written chunk by chunk, so an interrupted embedding resumes.
  CREATE TABLE embedding_chunks (
    gen INTEGER NOT NULL,
    backbone TEXT NOT NULL,
    first_idx INTEGER NOT NULL,
    count INTEGER NOT NULL,
    dim INTEGER NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (gen, backbone, first_idx)
  );
  -- An import that makes a new generation live drops every other generation's embeddings in the same transaction.
  CREATE TRIGGER embeddings_follow_import_insert AFTER INSERT ON meta WHEN NEW.key = 'active_gen' BEGIN
    DELETE FROM embedding_chunks WHERE gen <> CAST(NEW.value AS INTEGER);
  END;
  CREATE TRIGGER embeddings_follow_import_update AFTER UPDATE ON meta WHEN NEW.key = 'active_gen' BEGIN
    DELETE FROM embedding_chunks WHERE gen <> CAST(NEW.value AS INTEGER);
  END;
  -- The runs whose out-of-fold probabilities were averaged to rank the set (JSON array); NULL: just run_id.
  ALTER TABLE issue_sets ADD COLUMN run_ids_json TEXT;
  `,
  // v7: cleaning rounds — each issue set's round, the labels it questioned, confident learning's estimate of the
  // errors among them and how many already-decided images it left out. Existing sets: one round per run, in
  // order, within each dataset generation.
  `
  ALTER TABLE issue_sets ADD COLUMN round INTEGER NOT NULL DEFAULT 1;
  ALTER TABLE issue_sets ADD COLUMN labels TEXT NOT NULL DEFAULT 'given' CHECK (labels IN ('given', 'reviewed'));
  ALTER TABLE issue_sets ADD COLUMN estimated_errors INTEGER;
  ALTER TABLE issue_sets ADD COLUMN skipped_decided INTEGER NOT NULL DEFAULT 0;
  UPDATE issue_sets SET round = (
    SELECT count(DISTINCT o.run_id) FROM issue_sets o
     WHERE o.dataset_gen IS issue_sets.dataset_gen AND o.run_id <= issue_sets.run_id);
  `,
  // v8: every sample's given label in index order (ranking, training) from an index that holds them, instead of a
  // walk over the image rows: 100,000 samples of 64x64 px are ~0.4 s cold through the rows.
  `
  CREATE INDEX IF NOT EXISTS samples_labels_in_order ON samples (gen, idx, given_label);
  `,
];

export const SCHEMA_VERSION = migrations.length;

/**
 * Brings a database to the current schema, one transaction per step.
 * Refuses files that are not Relabel projects and projects written by a newer Relabel, without touching them.
 */
export function migrate(db: Db, path: string, upTo = SCHEMA_VERSION): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  const appId = db.pragma('application_id', { simple: true }) as number;
  const isEmpty = (db.prepare(`SELECT count(*) AS n FROM sqlite_master`).get() as { n: number }).n === 0;
  if (!isEmpty && appId !== APPLICATION_ID) {
    throw new ProjectError(`${path} is not a Relabel project (it is an SQLite file of another application).`);
  }
  if (version > SCHEMA_VERSION) {
    throw new ProjectError(
      `${path} was written by a newer Relabel (project format v${version}; this Relabel reads up to v${SCHEMA_VERSION}). ` +
        'Update Relabel to open it; the file was not modified.',
    );
  }
  if (isEmpty) db.pragma(`application_id = ${APPLICATION_ID}`);
  for (let v = version; v < upTo; v++) {
    db.transaction(() => {
      db.exec(migrations[v]);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}
