import Database from 'better-sqlite3';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GIVEN_LABELS_IN_ORDER, Project } from '../../src-main/core/store/project';
import { APPLICATION_ID, SCHEMA_VERSION, migrate, migrations } from '../../src-main/core/store/migrations';
import { makeProject, importLabels, targets } from '../helpers/project-fixture';
import { tempDir } from '../helpers/tmp';

describe('project file', () => {
  it('creates a WAL SQLite file with foreign keys and FULL sync, and reopens it', () => {
    const dir = tempDir();
    const path = join(dir, 'a.relabel');
    const p = Project.create(path);
    expect(p.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(p.db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(p.db.pragma('synchronous', { simple: true })).toBe(2);
    expect(p.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    p.close();
    const again = Project.open(path);
    expect(again.getDatasetInfo()).toBeNull();
    again.close();
    expect(() => Project.create(path)).toThrow(/already exists/);
  });

  it('reads the given labels from an index that holds them, never through the rows with the images', () => {
    const p = Project.create(join(tempDir(), 'plan.relabel'));
    const plan = p.db
      .prepare(`EXPLAIN QUERY PLAN ${GIVEN_LABELS_IN_ORDER}`)
      .all(1)
      .map((r) => (r as { detail: string }).detail)
      .join('; ');
    expect(plan).toMatch(/USING COVERING INDEX samples_labels_in_order/);
    p.close();
  });

  it('refuses to create a project beside an earlier file’s leftover journal, which SQLite would replay into it', () => {
    const dir = tempDir();
    const path = join(dir, 'again.relabel');
    for (const journal of [`${path}-wal`, `${path}-journal`]) {
      writeFileSync(journal, 'the log of a deleted project');
      expect(() => Project.create(path)).toThrow(`${journal} is left over from an earlier project file`);
      expect(existsSync(path)).toBe(false);
      rmSync(journal);
    }
    Project.create(path).close();
  });

  it('refuses a project written by a newer Relabel and leaves the file untouched', () => {
    const dir = tempDir();
    const path = join(dir, 'new.relabel');
    Project.create(path).close();
    const raw = new Database(path);
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    raw.close();
    expect(() => Project.open(path)).toThrow(/newer Relabel.*not modified/);
    const check = new Database(path, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION + 1);
    check.close();
  });

  it('refuses SQLite files of other applications and non-SQLite files', () => {
    const dir = tempDir();
    const other = join(dir, 'other.relabel');
    const raw = new Database(other);
    raw.exec('CREATE TABLE t (x)');
    raw.close();
    expect(() => Project.open(other)).toThrow(/not a Relabel project/);
    const text = join(dir, 'text.relabel');
    writeFileSync(text, 'hello, I am not a database at all '.repeat(100));
    expect(() => Project.open(text)).toThrow(/not a readable Relabel project/);
    expect(() => Project.open(join(dir, 'missing.relabel'))).toThrow(/does not exist/);
  });

  it.each(Array.from({ length: SCHEMA_VERSION - 1 }, (_, v) => v + 1))(
    'upgrades a project from schema v%i keeping its data',
    (from) => {
      const dir = tempDir();
      const path = join(dir, `v${from}.relabel`);
      const raw = new Database(path);
      migrate(raw, path, from);
      expect(raw.pragma('application_id', { simple: true })).toBe(APPLICATION_ID);
      raw
        .prepare(
          `INSERT INTO decision_events (sample_path, sample_idx, action, new_label, annotator, created_at, kind, batch_id)
           VALUES ('a.png', 0, 'relabel', 1, 'ann', '2026-01-01T00:00:00.000Z', 'decide', 'b1')`,
        )
        .run();
      raw.close();
      const p = Project.open(path);
      expect(p.db.pragma('user_version', { simple: true })).toBe(migrations.length);
      expect(p.decisions.history('a.png')).toHaveLength(1);
      expect(p.runs.list()).toEqual([]);
      p.close();
    },
  );

  it('read-only open refuses an old schema instead of migrating it', () => {
    const dir = tempDir();
    const path = join(dir, 'old.relabel');
    const raw = new Database(path);
    migrate(raw, path, 1);
    raw.close();
    expect(() => Project.open(path, { readonly: true })).toThrow(/open it once read-write/);
  });
});

describe('dataset import', () => {
  it('gives each generation its own given labels, also to a second connection, and copies they may change', () => {
    const dir = tempDir();
    const p = makeProject(dir, [0, 1, 1, 0]);
    const labels = p.getGivenLabels();
    labels[0] = 7;
    expect(Array.from(p.getGivenLabels())).toEqual([0, 1, 1, 0]);
    // Another process re-imports: this connection sees the new generation's labels on its next read.
    const other = Project.open(p.path);
    importLabels(other, [1, 0, 0, 1, 1]);
    other.close();
    expect(Array.from(p.getGivenLabels())).toEqual([1, 0, 0, 1, 1]);
    importLabels(p, [1, 1]);
    expect(Array.from(p.getGivenLabels())).toEqual([1, 1]);
    p.close();
  });

  it('stores samples, labels, classes, pixels and thumbnails', () => {
    const dir = tempDir();
    const p = makeProject(dir, [0, 1, 1, 0, 1]);
    expect(p.getDatasetInfo()).toMatchObject({ numSamples: 5, inputWidth: 2, channels: 1 });
    expect(Array.from(p.getGivenLabels())).toEqual([0, 1, 1, 0, 1]);
    expect(p.getClassCounts()).toEqual([2, 3]);
    expect(p.getClasses().map((c) => c.name)).toEqual(['class0', 'class1']);
    const px = p.readPixels();
    expect(px.n).toBe(5);
    expect(Array.from(px.pixels.subarray(12, 16))).toEqual([3, 1, 2, 3]);
    expect(p.getThumbnail(4)?.mime).toBe('image/png');
    expect(p.findSamples({ search: 'IMG3', offset: 0, limit: 10 }).samples.map((s) => s.index)).toEqual([3]);
    expect(p.findSamples({ classId: 0, offset: 0, limit: 10 }).total).toBe(2);
    p.close();
  });

  it('an aborted or incomplete import leaves the previous dataset intact', () => {
    const dir = tempDir();
    const p = makeProject(dir, [0, 1, 1]);
    const w = p.beginImport(
      { format: 'seed', root: '/x', labelSource: null, inputWidth: 2, inputHeight: 2, channels: 1 },
      [
        { id: 0, name: 'a' },
        { id: 1, name: 'b' },
      ],
    );
    w.add({ index: 0, path: 'n0', hash: 'x', width: 2, height: 2, givenLabel: 1 }, new Uint8Array(4), {
      data: new Uint8Array(1),
      mime: 'image/png',
    });
    w.add({ index: 2, path: 'n2', hash: 'x', width: 2, height: 2, givenLabel: 1 }, new Uint8Array(4), {
      data: new Uint8Array(1),
      mime: 'image/png',
    });
    expect(() => w.commit()).toThrow(/incomplete/);
    w.abort();
    expect(p.getSamples().map((s) => s.path)).toEqual(['img0.png', 'img1.png', 'img2.png']);
    expect(p.getDatasetInfo()?.root).toBe('/data');
    p.close();
  });

  it('rejects wrong pixel sizes, unknown labels and single-class datasets', () => {
    const dir = tempDir();
    const p = Project.create(join(dir, 'x.relabel'));
    const info = {
      format: 'seed' as const,
      root: '/x',
      labelSource: null,
      inputWidth: 2,
      inputHeight: 2,
      channels: 1 as const,
    };
    expect(() => p.beginImport(info, [{ id: 0, name: 'only' }])).toThrow(/at least 2 classes.*only/);
    const w = p.beginImport(info, [
      { id: 0, name: 'a' },
      { id: 1, name: 'b' },
    ]);
    const thumb = { data: new Uint8Array(1), mime: 'image/png' };
    expect(() =>
      w.add({ index: 0, path: 'a', hash: '', width: 2, height: 2, givenLabel: 0 }, new Uint8Array(3), thumb),
    ).toThrow(/expected 4 pixel bytes/);
    expect(() =>
      w.add({ index: 0, path: 'a', hash: '', width: 2, height: 2, givenLabel: 7 }, new Uint8Array(4), thumb),
    ).toThrow(/label 7/);
    p.close();
  });

  it('re-importing keeps every decision; samples that disappeared become reported orphans', () => {
    const dir = tempDir();
    const p = makeProject(dir, [0, 1, 1, 0]);
    p.decisions.record(targets(p, [1]), 'relabel', 0, 'ann');
    p.decisions.record(targets(p, [3]), 'exclude', null, 'ann');
    // Same images in another order, img3 gone, a new image added.
    importLabels(p, [1, 0, 1, 0], undefined, ['img2.png', 'img1.png', 'img0.png', 'new.png']);
    const current = p.decisions.current();
    expect(current).toEqual([
      expect.objectContaining({ path: 'img1.png', sampleIndex: 1, action: 'relabel', finalLabel: 0 }),
    ]);
    expect(p.decisions.orphaned().map((d) => d.path)).toEqual(['img3.png']);
    expect(p.decisions.allEvents()).toHaveLength(2);
    p.close();
  });

  it('an interrupted import (process died before commit) is cleaned up at the next import', () => {
    const dir = tempDir();
    const path = join(dir, 'crash.relabel');
    const p = makeProject(dir, [0, 1], { name: 'crash.relabel' });
    const w = p.beginImport(
      { format: 'seed', root: '/x', labelSource: null, inputWidth: 2, inputHeight: 2, channels: 1 },
      [
        { id: 0, name: 'a' },
        { id: 1, name: 'b' },
      ],
    );
    for (let i = 0; i < 600; i++) {
      w.add(
        { index: i, path: `z${i}`, hash: '', width: 2, height: 2, givenLabel: i % 2 },
        new Uint8Array(4),
        {
          data: new Uint8Array(1),
          mime: 'image/png',
        },
      );
    }
    p.close(); // no commit, no abort: as if killed
    const again = Project.open(path);
    expect(again.getSamples()).toHaveLength(2);
    importLabels(again, [1, 0, 1]);
    expect((again.db.prepare('SELECT count(*) AS n FROM samples').get() as { n: number }).n).toBe(3);
    expect(existsSync(path)).toBe(true);
    again.close();
  });
});
