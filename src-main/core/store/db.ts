import Database from 'better-sqlite3';
import { sqliteNativeBinding } from '../system/electron-sqlite';

export type Db = Database.Database;

/**
 * Opens the SQLite file behind a project with the settings every connection must share.
 * WAL lets readers (the server, the UI) run beside the one writer; synchronous=FULL makes a
 * committed decision survive a power cut, not just a crash; the busy timeout turns short
 * writer contention (training results vs. review decisions) into a wait instead of SQLITE_BUSY.
 * Under Electron the Electron-ABI build of better-sqlite3 is loaded (see system/electron-sqlite.ts).
 */
export function openDatabase(path: string, opts: { readonly?: boolean; mustExist?: boolean } = {}): Db {
  const db = new Database(path, {
    readonly: opts.readonly ?? false,
    fileMustExist: opts.mustExist ?? false,
    nativeBinding: sqliteNativeBinding(),
  });
  db.pragma('busy_timeout = 30000');
  if (!opts.readonly) {
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
    } catch (e) {
      // A file SQLite may not write (read-only file, folder or disk) is opened read-only: reads work and
      // every write fails with SQLITE_READONLY, which the store explains.
      if (!String((e as { code?: unknown }).code).startsWith('SQLITE_READONLY')) {
        db.close();
        throw e;
      }
    }
  }
  db.pragma('foreign_keys = ON');
  return db;
}

/**
 * Runs several reads on one snapshot of the database. Without it each statement sees the latest commit, so a
 * read of the live dataset generation followed by a read of its rows can straddle an import committed by
 * another process in between and find no rows at all.
 */
export function readSnapshot<T>(db: Db, fn: () => T): T {
  return db.inTransaction ? fn() : db.transaction(fn)();
}
