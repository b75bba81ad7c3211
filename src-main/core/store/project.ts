import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import type {
  ClassInfo,
  DatasetInfo,
  DecisionAction,
  Sample,
  SampleWithDecision,
} from '../../../src-shared/domain';
import { openDatabase, readSnapshot, type Db } from './db';
import { ClassEvidenceStore } from './class-evidence';
import { createDatasetWriter, getMeta, type DatasetWriter } from './dataset-writer';
import { DecisionStore, toDecision, type CurrentRow } from './decisions';
import { EmbeddingStore } from './embeddings';
import { ProjectError, writingTo } from './errors';
import { IssueStore } from './issues';
import { APPLICATION_ID, SCHEMA_VERSION, migrate } from './migrations';
import { RunModelStore } from './run-models';
import { RunStore } from './runs';

export type { DatasetWriter } from './dataset-writer';

/** One sample with its current decision (decision columns null when undecided), as `labelRows` reads it. */
export interface LabelRow {
  idx: number;
  path: string;
  given_label: number;
  action: DecisionAction | null;
  new_label: number | null;
  annotator: string | null;
  decided_at: string | null;
}

interface SampleRow {
  idx: number;
  path: string;
  hash: string;
  width: number;
  height: number;
  given_label: number;
}

const toSample = (r: SampleRow): Sample => ({
  index: r.idx,
  path: r.path,
  hash: r.hash,
  width: r.width,
  height: r.height,
  givenLabel: r.given_label,
});

/** Every sample's given label of a dataset generation, in sample order (read from an index that holds them). */
export const GIVEN_LABELS_IN_ORDER = `SELECT given_label FROM samples WHERE gen = ? ORDER BY idx`;

/**
 * A Relabel project: one SQLite file holding the dataset (labels, normalised pixels, thumbnails),
 * training runs with their probabilities, ranked label issues and the append-only decision history.
 */
export class Project {
  readonly decisions: DecisionStore;
  readonly runs: RunStore;
  readonly issues: IssueStore;
  readonly models: RunModelStore;
  readonly classEvidence: ClassEvidenceStore;
  readonly embeddings: EmbeddingStore;
  /**
   * The live generation's given labels, read once: a generation's labels never change (an import writes a new
   * generation, and a generation number is never live twice), and turning 100,000 rows into JavaScript values
   * costs a served project's only thread 0.1–0.3 s on every ranking.
   */
  private givenLabelsOf: { gen: number; labels: Int32Array } | null = null;

  private constructor(
    readonly path: string,
    readonly db: Db,
  ) {
    this.decisions = new DecisionStore(db, () => this.datasetGeneration);
    this.runs = new RunStore(db, () => this.datasetGeneration);
    this.issues = new IssueStore(db, () => this.datasetGeneration);
    this.models = new RunModelStore(db);
    this.classEvidence = new ClassEvidenceStore(db);
    this.embeddings = new EmbeddingStore(db);
  }

  /** Creates a new project file; refuses to overwrite an existing file. */
  static create(path: string): Project {
    if (existsSync(path)) throw new ProjectError(`${path} already exists; open it instead of creating it`);
    // SQLite would replay an earlier file's leftover journal into the new one (a crash left it; the file was deleted).
    for (const journal of [`${path}-wal`, `${path}-journal`]) {
      if (existsSync(journal))
        throw new ProjectError(
          `${journal} is left over from an earlier project file of this name; move it away (or delete it), then create the project again`,
        );
    }
    const db = openDatabase(path);
    try {
      writingTo(db, () => migrate(db, path));
    } catch (e) {
      db.close();
      throw e;
    }
    return new Project(path, db);
  }

  /** Opens an existing project, upgrading its schema if it was written by an older Relabel. */
  static open(path: string, opts: { readonly?: boolean } = {}): Project {
    if (!existsSync(path)) {
      throw new ProjectError(
        `project ${path} does not exist (create it with: relabel import … --project ${path})`,
      );
    }
    let db: Db;
    try {
      db = openDatabase(path, { readonly: opts.readonly, mustExist: true });
      db.prepare('SELECT count(*) FROM sqlite_master').get();
    } catch (e) {
      throw new ProjectError(`${path} is not a readable Relabel project: ${(e as Error).message}`);
    }
    try {
      if (opts.readonly) assertReadable(db, path);
      else writingTo(db, () => migrate(db, path));
    } catch (e) {
      db.close();
      throw e;
    }
    return new Project(path, db);
  }

  /** Opens the project, creating it first when the file does not exist yet. */
  static openOrCreate(path: string): Project {
    return existsSync(path) ? Project.open(path) : Project.create(path);
  }

  get name(): string {
    return basename(this.path).replace(/\.relabel$/, '');
  }

  close(): void {
    if (!this.db.open) return;
    if (!this.db.readonly) {
      // Leave the file in rollback-journal mode when no other connection uses it: a WAL database cannot even be
      // read from a read-only folder or disk (it needs a writable -shm file). The next open switches back to WAL.
      try {
        this.db.pragma('busy_timeout = 0');
        this.db.pragma('journal_mode = DELETE');
      } catch {
        // Another process has the project open: it stays in WAL mode, which is just as safe.
      }
    }
    this.db.close();
  }

  /**
   * SQLite's `data_version`: it changes when another connection (another process: the CLI, a second server)
   * commits to the file, never for this connection's own commits.
   */
  get dataVersion(): number {
    return this.db.pragma('data_version', { simple: true }) as number;
  }

  /**
   * A fingerprint of what the project summary shows besides decisions: the dataset generation, the class names,
   * the issue sets and the runs (their count, newest id and how many have ended). Equal fingerprints: nothing
   * of that changed.
   */
  summaryStamp(): string {
    return readSnapshot(this.db, () => {
      const row = this.db
        .prepare(
          `SELECT (SELECT value FROM meta WHERE key = 'active_gen') AS gen,
                  (SELECT group_concat(id || ':' || name, '|') FROM classes) AS classes,
                  (SELECT count(*) || ':' || coalesce(max(id), 0) FROM issue_sets) AS sets,
                  (SELECT count(*) || ':' || coalesce(max(id), 0) || ':' || sum(status <> 'running') || ':' ||
                          coalesce(max(finished_at), '') FROM runs) AS runs`,
        )
        .get() as Record<string, string | null>;
      return JSON.stringify(row);
    });
  }

  /** The live dataset generation; 0 before the first import. Runs remember it to detect stale results. */
  get datasetGeneration(): number {
    return Number(getMeta(this.db, 'active_gen') ?? '0');
  }

  beginImport(info: Omit<DatasetInfo, 'numSamples' | 'importedAt'>, classes: ClassInfo[]): DatasetWriter {
    // Leftovers of an import that was killed before its commit.
    // One statement, so an import another process commits meanwhile cannot make its rows look like leftovers.
    writingTo(this.db, () =>
      this.db
        .prepare(
          `DELETE FROM samples WHERE gen <> coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'active_gen'), 0)`,
        )
        .run(),
    );
    return createDatasetWriter(this.db, info, classes);
  }

  getDatasetInfo(): DatasetInfo | null {
    const raw = getMeta(this.db, 'dataset');
    return raw ? (JSON.parse(raw) as DatasetInfo) : null;
  }

  /** The dataset info, or a clear error for a project nothing was imported into yet. */
  requireDataset(): DatasetInfo {
    const info = this.getDatasetInfo();
    if (!info)
      throw new ProjectError(`project ${this.path} has no dataset yet: import one first (relabel import)`);
    return info;
  }

  getClasses(): ClassInfo[] {
    return this.db.prepare(`SELECT id, name FROM classes ORDER BY id`).all() as ClassInfo[];
  }

  getSamples(): Sample[] {
    return readSnapshot(this.db, () => {
      const rows = this.db
        .prepare(`SELECT idx, path, hash, width, height, given_label FROM samples WHERE gen = ? ORDER BY idx`)
        .all(this.datasetGeneration) as SampleRow[];
      return rows.map(toSample);
    });
  }

  getSample(index: number): Sample | undefined {
    return readSnapshot(this.db, () => {
      const row = this.db
        .prepare(`SELECT idx, path, hash, width, height, given_label FROM samples WHERE gen = ? AND idx = ?`)
        .get(this.datasetGeneration, index) as SampleRow | undefined;
      return row ? toSample(row) : undefined;
    });
  }

  getSampleByPath(path: string): Sample | undefined {
    return readSnapshot(this.db, () => {
      const row = this.db
        .prepare(`SELECT idx, path, hash, width, height, given_label FROM samples WHERE gen = ? AND path = ?`)
        .get(this.datasetGeneration, path) as SampleRow | undefined;
      return row ? toSample(row) : undefined;
    });
  }

  /**
   * Index, path and given label of many samples of the live dataset at once (one statement, one snapshot),
   * in the order asked; undefined where an index does not exist. For bulk decisions.
   */
  sampleRefsAt(
    indices: readonly number[],
  ): ({ index: number; path: string; givenLabel: number } | undefined)[] {
    return readSnapshot(this.db, () => {
      const rows = this.db
        .prepare(
          `SELECT s.idx, s.path, s.given_label FROM json_each(?) j CROSS JOIN samples s ON s.gen = ? AND s.idx = j.value`,
        )
        .all(JSON.stringify(indices), this.datasetGeneration) as Pick<
        SampleRow,
        'idx' | 'path' | 'given_label'
      >[];
      const byIndex = new Map(rows.map((r) => [r.idx, r]));
      return indices.map((i) => {
        const r = byIndex.get(i);
        return r ? { index: r.idx, path: r.path, givenLabel: r.given_label } : undefined;
      });
    });
  }

  /** The live index of each path (-1 where the path left the dataset), one statement for all. */
  indicesOfPaths(paths: readonly string[]): number[] {
    return readSnapshot(this.db, () => {
      const rows = this.db
        .prepare(
          `SELECT s.path, s.idx FROM json_each(?) j CROSS JOIN samples s ON s.gen = ? AND s.path = j.value`,
        )
        .all(JSON.stringify(paths), this.datasetGeneration) as Pick<SampleRow, 'idx' | 'path'>[];
      const byPath = new Map(rows.map((r) => [r.path, r.idx]));
      return paths.map((p) => byPath.get(p) ?? -1);
    });
  }

  /**
   * Samples `from` ≤ index < `to` of dataset generation `gen`, each with its current decision (null when
   * undecided), in index order: what an export reads, a slice at a time.
   */
  labelRows(gen: number, from: number, to: number): LabelRow[] {
    return this.db
      .prepare(
        `SELECT s.idx, s.path, s.given_label, d.action, d.new_label, d.annotator, d.decided_at
           FROM samples s LEFT JOIN current_decisions d ON d.sample_path = s.path
          WHERE s.gen = ? AND s.idx >= ? AND s.idx < ? ORDER BY s.idx`,
      )
      .all(gen, from, to) as LabelRow[];
  }

  /**
   * Samples whose path contains `search` and/or with a given label, paged, in index order, each with its current
   * decision (one query: the samples joined with `current_decisions`).
   */
  findSamples(q: { classId?: number; search?: string; offset: number; limit: number }): {
    total: number;
    samples: SampleWithDecision[];
  } {
    return readSnapshot(this.db, () => {
      const where = ['s.gen = @gen'];
      const params: Record<string, unknown> = {
        gen: this.datasetGeneration,
        offset: q.offset,
        limit: q.limit,
      };
      if (q.classId !== undefined) {
        where.push('s.given_label = @classId');
        params.classId = q.classId;
      }
      if (q.search) {
        where.push(`instr(lower(s.path), lower(@search)) > 0`);
        params.search = q.search;
      }
      const clause = where.join(' AND ');
      const { n } = this.db.prepare(`SELECT count(*) AS n FROM samples s WHERE ${clause}`).get(params) as {
        n: number;
      };
      const rows = this.db
        .prepare(
          `SELECT s.idx, s.path, s.hash, s.width, s.height, s.given_label,
                  d.sample_path, d.action, d.new_label, d.annotator, d.decided_at, d.event_id
             FROM samples s LEFT JOIN current_decisions d ON d.sample_path = s.path
            WHERE ${clause} ORDER BY s.idx LIMIT @limit OFFSET @offset`,
        )
        .all(params) as (SampleRow & Partial<CurrentRow>)[];
      return {
        total: n,
        samples: rows.map((r) => ({
          ...toSample(r),
          decision: r.sample_path ? toDecision(r as CurrentRow) : null,
        })),
      };
    });
  }

  getGivenLabels(): Int32Array {
    return readSnapshot(this.db, () => {
      const gen = this.datasetGeneration;
      if (this.givenLabelsOf?.gen !== gen) {
        const labels = this.db.prepare(GIVEN_LABELS_IN_ORDER).pluck().all(gen) as number[];
        this.givenLabelsOf = { gen, labels: Int32Array.from(labels) };
      }
      return this.givenLabelsOf.labels.slice();
    });
  }

  /** Given-label count per class id. */
  getClassCounts(): number[] {
    return readSnapshot(this.db, () => {
      const counts = new Array<number>(this.getClasses().reduce((m, c) => Math.max(m, c.id + 1), 0)).fill(0);
      const rows = this.db
        .prepare(`SELECT given_label AS l, count(*) AS n FROM samples WHERE gen = ? GROUP BY given_label`)
        .all(this.datasetGeneration) as { l: number; n: number }[];
      for (const r of rows) counts[r.l] = r.n;
      return counts;
    });
  }

  /** All model-input pixels, NHWC uint8, samples in index order. */
  readPixels(): { pixels: Uint8Array; n: number; width: number; height: number; channels: 1 | 3 } {
    return readSnapshot(this.db, () => {
      const info = this.requireDataset();
      const per = info.inputWidth * info.inputHeight * info.channels;
      const pixels = new Uint8Array(info.numSamples * per);
      const rows = this.db
        .prepare(`SELECT idx, pixels FROM samples WHERE gen = ? ORDER BY idx`)
        .raw()
        .iterate(this.datasetGeneration) as IterableIterator<[number, Buffer]>;
      for (const [idx, buf] of rows) pixels.set(buf, idx * per);
      return {
        pixels,
        n: info.numSamples,
        width: info.inputWidth,
        height: info.inputHeight,
        channels: info.channels,
      };
    });
  }

  /**
   * Model-input pixels of the readable samples of `generation` with index in [from, from + limit), in index
   * order. Rows of a committed generation never change, so pages read apart still form one consistent dataset.
   */
  samplePixelPage(
    generation: number,
    from: number,
    limit: number,
  ): { index: number; givenLabel: number; pixels: Uint8Array }[] {
    const rows = this.db
      .prepare(
        `SELECT idx, given_label, pixels FROM samples WHERE gen = ? AND idx >= ? AND idx < ? AND width > 0 ORDER BY idx`,
      )
      .raw()
      .all(generation, from, from + limit) as [number, number, Buffer][];
    return rows.map(([index, givenLabel, pixels]) => ({ index, givenLabel, pixels }));
  }

  /** Every sample's model-input pixels in index order, one row at a time (for streaming 100k images to a file). */
  forEachSamplePixels(fn: (index: number, pixels: Buffer) => void): void {
    readSnapshot(this.db, () => {
      const rows = this.db
        .prepare(`SELECT idx, pixels FROM samples WHERE gen = ? ORDER BY idx`)
        .raw()
        .iterate(this.datasetGeneration) as IterableIterator<[number, Buffer]>;
      for (const [idx, buf] of rows) fn(idx, buf);
    });
  }

  readSamplePixels(index: number): Uint8Array | undefined {
    return readSnapshot(this.db, () => {
      const row = this.db
        .prepare(`SELECT pixels FROM samples WHERE gen = ? AND idx = ?`)
        .get(this.datasetGeneration, index) as { pixels: Buffer } | undefined;
      return row ? new Uint8Array(row.pixels) : undefined;
    });
  }

  getThumbnail(index: number): { data: Buffer; mime: string } | undefined {
    return readSnapshot(this.db, () => {
      const row = this.db
        .prepare(`SELECT thumb, thumb_mime FROM samples WHERE gen = ? AND idx = ?`)
        .get(this.datasetGeneration, index) as { thumb: Buffer; thumb_mime: string } | undefined;
      return row ? { data: row.thumb, mime: row.thumb_mime } : undefined;
    });
  }
}

/** A read-only connection cannot migrate: it can only read our files at exactly the current version. */
function assertReadable(db: Db, path: string): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  const appId = db.pragma('application_id', { simple: true }) as number;
  if (appId !== APPLICATION_ID) throw new ProjectError(`${path} is not a Relabel project`);
  if (version > SCHEMA_VERSION) {
    throw new ProjectError(
      `${path} was written by a newer Relabel (project format v${version}; this Relabel reads up to v${SCHEMA_VERSION})`,
    );
  }
  if (version < SCHEMA_VERSION) {
    throw new ProjectError(`${path} is at project format v${version}; open it once read-write to upgrade it`);
  }
}
