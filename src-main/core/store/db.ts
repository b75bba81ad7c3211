import Database from 'better-sqlite3';

export type Db = Database.Database;

/**
 * Opens the SQLite file behind a project with the settings every connection must share.
 * WAL lets readers (the server, the UI) run beside the one writer; synchronous=FULL makes a
 * committed decision survive a power cut, not just a crash; the busy timeout turns short
 * writer contention (training results vs. review decisions) into a wait instead of SQLITE_BUSY.
 */
export function openDatabase(path: string, opts: { readonly?: boolean; mustExist?: boolean } = {}): Db {
  const db = new Database(path, { readonly: opts.readonly ?? false, fileMustExist: opts.mustExist ?? false });
  db.pragma('busy_timeout = 30000');
  if (!opts.readonly) {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
  }
  db.pragma('foreign_keys = ON');
  return db;
}
