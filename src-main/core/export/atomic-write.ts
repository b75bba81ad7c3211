import { closeSync, fsyncSync, openSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { open, readdir, rename, rm, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { explainWriteError } from '../store/errors';

/**
 * Writes a file so that readers see either the old content or the whole new content, never a prefix:
 * write a temp file in the same folder, fsync it, rename it over the target, fsync the folder.
 * A full disk or a read-only folder fails with a ProjectError naming the file; the old file is then untouched.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let fd = -1;
  try {
    fd = openSync(tmp, 'wx', 0o644);
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
    closeSync(fd);
    fd = -1;
    renameSync(tmp, path);
  } catch (e) {
    if (fd >= 0) closeSync(fd);
    rmSync(tmp, { force: true });
    throw explainWriteError(e, path, 'Export to a writable folder.');
  }
  syncDirectory(dir);
}

/**
 * A file written piece by piece off the event loop, then put in place atomically: the pieces go to a temporary
 * file in the same folder (hashed as they go); `commit` fsyncs it and renames it over the target, `abort`
 * removes it. Readers see the old file or the whole new one, never a prefix.
 */
export class AtomicFile {
  private readonly tmp: string;
  private readonly hash = createHash('sha256');
  private handle: FileHandle | null = null;
  size = 0;

  private constructor(readonly path: string) {
    this.tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  }

  static async create(path: string): Promise<AtomicFile> {
    const file = new AtomicFile(path);
    try {
      file.handle = await open(file.tmp, 'wx', 0o644);
    } catch (e) {
      throw explainWriteError(e, path, 'Export to a writable folder.');
    }
    return file;
  }

  async write(data: string | Uint8Array): Promise<void> {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    if (bytes.length === 0) return;
    this.hash.update(bytes);
    this.size += bytes.length;
    try {
      for (let off = 0; off < bytes.length;) {
        off += (await this.handle!.write(bytes, off, bytes.length - off, null)).bytesWritten;
      }
    } catch (e) {
      await this.abort();
      throw explainWriteError(e, this.path, 'Export to a writable folder.');
    }
  }

  /** SHA-256 of everything written (call once, after the last write). */
  digest(): string {
    return this.hash.digest('hex');
  }

  async commit(): Promise<void> {
    try {
      await this.handle!.sync();
      await this.handle!.close();
      this.handle = null;
      await rename(this.tmp, this.path);
    } catch (e) {
      await this.abort();
      throw explainWriteError(e, this.path, 'Export to a writable folder.');
    }
    await syncDirectoryAsync(dirname(this.path));
  }

  async abort(): Promise<void> {
    await this.handle?.close().catch(() => {});
    this.handle = null;
    await rm(this.tmp, { force: true });
  }
}

/** As `writeFileAtomic`, off the event loop (a slow disk or fsync never stalls other requests). */
export async function writeFileAtomicAsync(path: string, data: string | Uint8Array): Promise<void> {
  const file = await AtomicFile.create(path);
  await file.write(data);
  await file.commit();
}

const TEMP_NAME = /^\.(.+)\.(\d+)\.[0-9a-f]{8}\.tmp$/;

/**
 * Deletes the temporary files that writes of `names` into `dir` left behind when their process was killed
 * (the target files themselves are always whole). Temporaries of a live process are left alone.
 */
export function removeStaleTemporaries(dir: string, names: readonly string[]): void {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return;
  }
  for (const entry of entries) {
    const m = TEMP_NAME.exec(entry);
    if (m && names.includes(m[1]) && !isAlive(Number(m[2]))) rmSync(join(dir, entry), { force: true });
  }
}

/** As `removeStaleTemporaries`, off the event loop. */
export async function removeStaleTemporariesAsync(dir: string, names: readonly string[]): Promise<void> {
  const entries = await readdir(dir).catch(() => [] as string[]);
  for (const entry of entries) {
    const m = TEMP_NAME.exec(entry);
    if (m && names.includes(m[1]) && !isAlive(Number(m[2]))) await rm(join(dir, entry), { force: true });
  }
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function syncDirectory(dir: string): void {
  let fd = -1;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Some filesystems (and Windows) cannot fsync a directory; the rename is still atomic.
  } finally {
    if (fd >= 0) closeSync(fd);
  }
}

async function syncDirectoryAsync(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // As above: not every filesystem can fsync a directory.
  }
}
