import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createService, ServiceError } from '../../src-main/core/service';
import { exportLabels } from '../../src-main/core/export/export';
import { ProjectError } from '../../src-main/core/store/errors';
import { Project } from '../../src-main/core/store/project';
import { foldData, importVersion } from '../helpers/durability-io';
import { makeProject, targets } from '../helpers/project-fixture';
import { scratchDir } from './scratch';

const N = 300;
const labels = Array.from({ length: N }, (_, i) => i % 3);

/**
 * A 3 MB tmpfs of the test's own, so it can be filled (and made read-only) without touching anything else;
 * unmounted when the test ends; `skip` says why when it cannot be mounted (it needs root).
 */
function mountTmpfs(): { mnt: string } | { skip: string } {
  const mnt = join(scratchDir(), 'mnt');
  mkdirSync(mnt);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=3m', 'tmpfs', mnt], { stdio: 'pipe' });
  } catch (e) {
    return {
      skip: `cannot mount a tmpfs (needs root and CAP_SYS_ADMIN): ${(e as Error).message.split('\n')[0]}`,
    };
  }
  onTestFinished(() => {
    execFileSync('umount', ['-l', mnt]);
  });
  return { mnt };
}

/** Writes a filler file until the file system reports ENOSPC. */
function fill(dir: string): void {
  const fd = openSync(join(dir, 'filler'), 'w');
  try {
    for (const chunk of [Buffer.alloc(256 * 1024, 1), Buffer.alloc(4096, 1), Buffer.alloc(512, 1)]) {
      try {
        for (;;) writeSync(fd, chunk);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
      }
    }
  } finally {
    closeSync(fd);
  }
}

function catchError(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

describe('disk full and read-only projects', () => {
  it('a full disk gives a clear error naming the file; everything saved stays readable; writing resumes after freeing space', async (ctx) => {
    const tmpfs = mountTmpfs();
    if ('skip' in tmpfs) return ctx.skip(tmpfs.skip);
    const { mnt } = tmpfs;
    const project = makeProject(mnt, labels);
    const path = project.path;
    for (let i = 0; i < 40; i++)
      project.decisions.record(targets(project, [i]), 'relabel', (i + 1) % 3, 'alice');
    const runId = project.runs.create('cv', { folds: 5 });
    project.runs.saveFold(runId, foldData(0));
    const out = join(mnt, 'export');
    await exportLabels(project, out);
    const exported = readFileSync(join(out, 'label_train.txt'), 'utf8');

    fill(mnt);
    // Decisions: the WAL may still have room for a few; the first one that needs space fails clearly.
    let saved = 40;
    const err = catchError(() => {
      for (; saved < N; saved++)
        project.decisions.record(targets(project, [saved]), 'exclude', null, 'alice');
    });
    expect(err).toBeInstanceOf(ProjectError);
    expect(err.message).toBe(
      `cannot save to ${path}: the disk is full. Free some space and try again; everything saved before is intact.`,
    );
    // Training results, an import and an export fail the same way, naming their file.
    const foldErr = catchError(() => {
      for (let f = 1; f < 50; f++) project.runs.saveFold(runId, foldData(f));
    });
    expect(foldErr.message).toMatch(/^cannot save to .*p\.relabel: the disk is full/);
    expect(catchError(() => importVersion(project, 1)).message).toMatch(/the disk is full/);
    const exportErr = await exportLabels(project, out).then(
      () => new Error('expected an error'),
      (e: Error) => e,
    );
    expect(exportErr).toBeInstanceOf(ProjectError);
    expect(exportErr.message).toMatch(new RegExp(`^cannot save to ${out}/\\S+: the disk is full`));
    // The service passes the same message on to the user.
    const service = createService({ projectPath: path, annotator: 'bob' });
    const serviceErr = await service
      .decide({ sampleIndices: [N - 1], action: 'keep' })
      .catch((e: Error) => e);
    expect(serviceErr).toBeInstanceOf(ServiceError);
    expect((serviceErr as Error).message).toMatch(/the disk is full/);

    // Reading works while the disk is full, and nothing saved before is lost or half-written.
    expect(project.getSamples()).toHaveLength(N);
    expect(project.decisions.current()).toHaveLength(saved);
    expect(project.runs.folds(runId).length).toBeGreaterThanOrEqual(1);
    expect(readFileSync(join(out, 'label_train.txt'), 'utf8')).toBe(exported);

    rmSync(join(mnt, 'filler'));
    project.decisions.record(targets(project, [N - 1]), 'keep', null, 'alice');
    await service.close();
    project.close();
    const reopened = Project.open(path);
    expect(reopened.db.pragma('integrity_check', { simple: true })).toBe('ok');
    const current = reopened.decisions.current();
    expect(current).toHaveLength(saved + 1);
    for (let i = 0; i < 40; i++)
      expect(current[i]).toMatchObject({ sampleIndex: i, action: 'relabel', finalLabel: (i + 1) % 3 });
    expect(reopened.getSamples().map((s) => s.givenLabel)).toEqual(labels);
    reopened.close();
    console.log(
      `[durability] disk full: SQLITE_FULL after ${saved - 40} more decisions on a full 3 MB tmpfs → ` +
        `"${err.message}"; ${saved} decisions, the fold results and the previous export intact; writes resume after freeing space`,
    );
  });

  it('a project on a read-only disk can be read; every write fails with a clear error', async (ctx) => {
    const tmpfs = mountTmpfs();
    if ('skip' in tmpfs) return ctx.skip(tmpfs.skip);
    const { mnt } = tmpfs;
    const project = makeProject(mnt, labels);
    const path = project.path;
    project.decisions.record(targets(project, [0, 1, 2]), 'exclude', null, 'alice');
    await exportLabels(project, join(mnt, 'export'));
    project.close();
    execFileSync('mount', ['-o', 'remount,ro', mnt]);

    const readOnly = Project.open(path, { readonly: true });
    expect(readOnly.getSamples()).toHaveLength(N);
    expect(readOnly.decisions.counts()).toEqual({ keep: 0, relabel: 0, exclude: 3 });
    readOnly.close();

    // Opened for writing (as the app and `relabel serve` do): reads work, writes explain themselves.
    const p = Project.open(path);
    expect(p.getSamples()).toHaveLength(N);
    const err = catchError(() => p.decisions.record(targets(p, [5]), 'keep', null, 'alice'));
    expect(err).toBeInstanceOf(ProjectError);
    expect(err.message).toBe(
      `cannot save to ${path}: it is read-only (a read-only file, folder or disk). ` +
        'It can still be read; copy it to a writable folder to change it.',
    );
    const exportErr = await exportLabels(p, join(mnt, 'export')).then(
      () => new Error('expected an error'),
      (e: Error) => e,
    );
    expect(exportErr.message).toMatch(
      new RegExp(`^cannot save to ${mnt}/export/\\S+: it is read-only .* Export to a writable folder.$`),
    );
    p.close();

    const service = createService({ projectPath: path, annotator: 'bob' });
    expect((await service.projectInfo({})).counts.decisions.exclude).toBe(3);
    const serviceErr = await service.decide({ sampleIndices: [5], action: 'keep' }).catch((e: Error) => e);
    expect(serviceErr).toBeInstanceOf(ServiceError);
    expect((serviceErr as Error).message).toMatch(/read-only/);
    await service.close();
  });
});
