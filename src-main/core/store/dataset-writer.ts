import type { ClassInfo, DatasetInfo, Sample } from '../../../src-shared/domain';
import type { Db } from './db';
import { ProjectError, writingTo } from './errors';
import { nowIso } from './time';

export interface DatasetWriter {
  /** Any order; every index 0..n-1 exactly once before commit. Writes in batched transactions. */
  add(sample: Sample, pixels: Uint8Array, thumbnail: { data: Uint8Array; mime: string }): void;
  /** Makes the new dataset live in one transaction and reports what happened to earlier decisions. */
  commit(): { samples: number; decisionsKept: number; decisionsOrphaned: number };
  /** Drops everything added; the previous dataset stays intact. */
  abort(): void;
}

const BATCH = 512;

type Row = [number, number, string, string, number, number, number, Uint8Array, Uint8Array, string];

/**
 * Writes a new dataset generation beside the live one. Rows go in batched transactions so a
 * 100k-image import neither holds one giant transaction nor pays one fsync per image.
 */
export function createDatasetWriter(
  db: Db,
  info: Omit<DatasetInfo, 'numSamples' | 'importedAt'>,
  classes: ClassInfo[],
): DatasetWriter {
  validateClasses(classes);
  const liveGen = Number(getMeta(db, 'active_gen') ?? '0');
  const maxGen = (db.prepare(`SELECT coalesce(max(gen), 0) AS g FROM samples`).get() as { g: number }).g;
  const gen = Math.max(liveGen, maxGen) + 1;
  const pixelBytes = info.inputWidth * info.inputHeight * info.channels;
  const insert = db.prepare(
    `INSERT INTO samples (gen, idx, path, hash, width, height, given_label, pixels, thumb, thumb_mime)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const flushRows = db.transaction((rows: Row[]) => {
    for (const r of rows) insert.run(...r);
  });
  let pending: Row[] = [];
  let state: 'open' | 'committed' | 'aborted' = 'open';

  const flush = (): void => {
    if (pending.length === 0) return;
    // Rows of an uncommitted generation are invisible until commit(), whose FULL-sync transaction makes the
    // whole WAL durable; so the batches themselves need no fsync. Restored at once: decisions written on
    // this connection between batches keep synchronous=FULL.
    db.pragma('synchronous = NORMAL');
    try {
      writingTo(db, () => flushRows(pending));
    } finally {
      db.pragma('synchronous = FULL');
    }
    pending = [];
  };
  const ensureOpen = (): void => {
    if (state !== 'open') throw new Error(`dataset import already ${state}`);
  };

  return {
    add(sample, pixels, thumbnail) {
      ensureOpen();
      if (pixels.length !== pixelBytes) {
        throw new Error(
          `${sample.path}: expected ${pixelBytes} pixel bytes (${info.inputWidth}x${info.inputHeight}x${info.channels}), got ${pixels.length}`,
        );
      }
      if (!classes.some((c) => c.id === sample.givenLabel)) {
        throw new ProjectError(
          `${sample.path}: label ${sample.givenLabel} is not one of the dataset's classes`,
        );
      }
      pending.push([
        gen,
        sample.index,
        sample.path,
        sample.hash,
        sample.width,
        sample.height,
        sample.givenLabel,
        pixels,
        thumbnail.data,
        thumbnail.mime,
      ]);
      if (pending.length >= BATCH) flush();
    },
    commit() {
      ensureOpen();
      flush();
      // Reads, then writes: take the write lock first, or another process committing meanwhile makes it SQLITE_BUSY.
      const stats = writingTo(db, () =>
        db
          .transaction(() => {
            const { n, maxIdx } = db
              .prepare(`SELECT count(*) AS n, coalesce(max(idx), -1) AS maxIdx FROM samples WHERE gen = ?`)
              .get(gen) as { n: number; maxIdx: number };
            if (n === 0) throw new ProjectError('the dataset is empty: no images were imported');
            if (n !== maxIdx + 1) {
              throw new Error(`dataset import incomplete: ${n} samples but indices up to ${maxIdx}`);
            }
            db.prepare(`DELETE FROM samples WHERE gen <> ?`).run(gen);
            db.prepare(`DELETE FROM classes`).run();
            const addClass = db.prepare(`INSERT INTO classes (id, name) VALUES (?, ?)`);
            for (const c of classes) addClass.run(c.id, c.name);
            const full: DatasetInfo = { ...info, numSamples: n, importedAt: nowIso() };
            setMeta(db, 'dataset', JSON.stringify(full));
            setMeta(db, 'active_gen', String(gen));
            const decided = db
              .prepare(
                `SELECT count(*) AS total,
                    sum(CASE WHEN s.path IS NULL THEN 1 ELSE 0 END) AS orphaned
               FROM current_decisions d LEFT JOIN samples s ON s.gen = ? AND s.path = d.sample_path`,
              )
              .get(gen) as { total: number; orphaned: number | null };
            const orphaned = decided.orphaned ?? 0;
            return { samples: n, decisionsKept: decided.total - orphaned, decisionsOrphaned: orphaned };
          })
          .immediate(),
      );
      state = 'committed';
      return stats;
    },
    abort() {
      if (state !== 'open') return;
      pending = [];
      writingTo(db, () => db.prepare(`DELETE FROM samples WHERE gen = ?`).run(gen));
      state = 'aborted';
    },
  };
}

function validateClasses(classes: ClassInfo[]): void {
  if (classes.length < 2) {
    throw new ProjectError(
      `a dataset needs at least 2 classes, got ${classes.length}${classes.length === 1 ? ` (only "${classes[0].name}")` : ''}`,
    );
  }
  const ids = new Set<number>();
  for (const c of classes) {
    if (!Number.isInteger(c.id) || c.id < 0) throw new ProjectError(`invalid class id ${c.id}`);
    if (ids.has(c.id)) throw new ProjectError(`class id ${c.id} appears twice`);
    ids.add(c.id);
  }
}

export function getMeta(db: Db, key: string): string | undefined {
  const row = db.prepare(`SELECT value FROM meta WHERE key = ?`).get(key) as { value: string } | undefined;
  return row?.value;
}

export function setMeta(db: Db, key: string, value: string): void {
  db.prepare(
    `INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
  ).run(key, value);
}
