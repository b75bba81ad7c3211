import type { Db } from './db';

/** A problem with a project file that the user can act on (wrong file, newer version, missing). */
export class ProjectError extends Error {
  override name = 'ProjectError';
}

const PROJECT_READ_ONLY_HINT = 'It can still be read; copy it to a writable folder to change it.';

/**
 * A full disk or a read-only file as a ProjectError that names the file and says what to do, instead of
 * SQLite's "database or disk is full" / "attempt to write a readonly database" or a bare ENOSPC. Other
 * errors pass unchanged.
 */
export function explainWriteError(e: unknown, file: string, readOnlyHint = PROJECT_READ_ONLY_HINT): unknown {
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return e;
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT') {
    return new ProjectError(
      `cannot save to ${file}: the disk is full. Free some space and try again; everything saved before is intact.`,
    );
  }
  if (code.startsWith('SQLITE_READONLY') || code === 'EROFS' || code === 'EACCES' || code === 'EPERM') {
    return new ProjectError(
      `cannot save to ${file}: it is read-only (a read-only file, folder or disk). ${readOnlyHint}`,
    );
  }
  return e;
}

/** Runs a write to the project file, turning a full disk or a read-only file into a clear ProjectError. */
export function writingTo<T>(db: Db, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw explainWriteError(e, db.name);
  }
}
