import { lstat, mkdir, realpath, stat, statfs } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { shortPath as shorten } from '../quote';
import { explainWriteError } from '../store/errors';
import { ExportRefusedError } from './errors';

const MAX_PATH_LENGTH = 4096;
const MAX_NAME_BYTES = 255;

/** Kernel pseudo-filesystems: nothing exported belongs there, and Node's mkdir loops forever in /proc. */
const PSEUDO_FS_ROOTS = ['/proc', '/sys', '/dev'];
const PSEUDO_FS_TYPES = new Set([
  0x9fa0, // proc
  0x62656572, // sysfs
  0x1cd1, // devpts
  0x64626720, // debugfs
  0x74726163, // tracefs
  0x27e0eb, // cgroup
  0x63677270, // cgroup2
  0x73636673, // securityfs
  0x6e736673, // nsfs
  0xcafe4a11, // bpf
]);

const bad = (message: string) => new ExportRefusedError('bad_folder', message);
const isUnder = (root: string, p: string) => p === root || p.startsWith(root + sep);

/**
 * Checks an export folder and creates what is missing of it; returns its real path (symlinks resolved).
 * Refuses, before writing anything:
 * - malformed paths (NUL, too long, a component over 255 bytes);
 * - kernel pseudo-filesystems (/proc, /sys, /dev and their kin mounted elsewhere);
 * - an existing path that is not a folder (a file, a FIFO, the project file);
 * - any of `protectedFolders` (the dataset's own folders: the labels it was imported from live there),
 *   compared on real paths, so a symlink or `..` leading there is refused too.
 * Folders are created one level at a time (never Node's recursive mkdir, which never returns under /proc).
 */
export async function prepareOutFolder(outDir: string, protectedFolders: readonly string[]): Promise<string> {
  if (outDir.includes('\0')) throw bad('the export folder name contains a NUL character');
  if (outDir.length > MAX_PATH_LENGTH) throw bad(`the export folder name is longer than ${MAX_PATH_LENGTH}`);
  const dir = resolve(outDir);
  if (dir.split(sep).some((part) => Buffer.byteLength(part) > MAX_NAME_BYTES)) {
    throw bad(`a folder name in ${shorten(dir)} is longer than ${MAX_NAME_BYTES} bytes`);
  }

  // The nearest existing ancestor, and what is missing below it.
  const missing: string[] = [];
  let existing = dir;
  while (!(await exists(existing))) {
    const parent = dirname(existing);
    if (parent === existing) break;
    missing.unshift(basename(existing));
    existing = parent;
  }
  let realExisting: string;
  try {
    realExisting = await realpath(existing);
  } catch (e) {
    throw bad(`cannot use ${shorten(existing)} as an export folder (${(e as NodeJS.ErrnoException).code})`);
  }
  await refusePseudoFilesystem(realExisting, dir);
  const realDir = join(realExisting, ...missing);

  for (const folder of protectedFolders) {
    const realFolder = await realpath(folder).catch(() => resolve(folder));
    if (realDir === realFolder) {
      throw new ExportRefusedError(
        'source_folder',
        `refusing to export into ${shorten(dir)}: the dataset was imported from there, and its original ` +
          `labels must stay as they are. Choose another folder.`,
      );
    }
  }

  if (missing.length === 0) {
    const info = await stat(realExisting);
    if (!info.isDirectory()) throw bad(`${shorten(dir)} exists and is not a folder; choose a folder`);
    return realExisting;
  }
  if (!(await stat(realExisting)).isDirectory()) {
    throw bad(`${shorten(existing)} is not a folder, so ${shorten(dir)} cannot be created`);
  }
  let current = realExisting;
  for (const name of missing) {
    current = join(current, name);
    try {
      await mkdir(current);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST' && (await stat(current)).isDirectory()) continue;
      const explained = explainWriteError(e, current, 'Export to a writable folder.');
      if (explained !== e) throw explained;
      throw bad(`cannot create the export folder ${shorten(current)} (${code ?? (e as Error).message})`);
    }
  }
  return realDir;
}

async function exists(p: string): Promise<boolean> {
  try {
    await lstat(p);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return false;
    if (code === 'ENOTDIR') throw bad(`${shorten(dirname(p))} is not a folder`);
    if (code === 'ENAMETOOLONG') throw bad('the export folder name is too long');
    // EACCES and the like: treat as existing; realpath/stat below report it.
    return true;
  }
}

async function refusePseudoFilesystem(realExisting: string, dir: string): Promise<void> {
  const onPseudoRoot = PSEUDO_FS_ROOTS.some((root) => isUnder(root, realExisting) || isUnder(root, dir));
  let type = -1;
  try {
    type = Number((await statfs(realExisting)).type);
  } catch {
    // statfs is not available everywhere (Windows); the path prefixes still apply.
  }
  if (onPseudoRoot || PSEUDO_FS_TYPES.has(type)) {
    throw bad(
      `${shorten(dir)} is on a system pseudo-filesystem (like /proc, /sys or /dev); choose a real folder`,
    );
  }
}
