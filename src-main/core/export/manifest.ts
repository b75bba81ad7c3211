import { createHash } from 'node:crypto';
import { lstat, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomicAsync } from './atomic-write';

/**
 * The record an export leaves beside its files: the size and SHA-256 of each file it wrote. A later export
 * into the same folder may replace exactly those files (unchanged since); anything else there is the user's.
 */
export const MANIFEST_NAME = 'relabel-export.json';
const FORMAT = 'relabel-export';
const MAX_MANIFEST_BYTES = 1024 * 1024;

export interface FileVersion {
  size: number;
  sha256: string;
}

export interface ExportManifest {
  format: typeof FORMAT;
  version: 1;
  project: string;
  exportedAt: string;
  /**
   * Versions of each file this folder's exports wrote. Normally one; while an export is being written,
   * the old and the new one (so that an export killed half-way leaves every file recognised as ours).
   */
  files: Record<string, FileVersion[]>;
}

export const versionOf = (data: Buffer): FileVersion => ({
  size: data.length,
  sha256: createHash('sha256').update(data).digest('hex'),
});

/** What sits at a name an export wants to write. */
export type Existing =
  | { name: string; state: 'absent' }
  | { name: string; state: 'ours'; version: FileVersion }
  | { name: string; state: 'foreign' };

/** The folder's manifest, null when there is none, 'foreign' when the name holds something else. */
export async function readManifest(dir: string): Promise<ExportManifest | null | 'foreign'> {
  const path = join(dir, MANIFEST_NAME);
  const info = await lstat(path).catch(() => null);
  if (!info) return null;
  if (!info.isFile() || info.size > MAX_MANIFEST_BYTES) return 'foreign';
  try {
    const m = JSON.parse(await readFile(path, 'utf8')) as Partial<ExportManifest>;
    if (m.format !== FORMAT || m.version !== 1 || typeof m.files !== 'object' || m.files === null) {
      return 'foreign';
    }
    return m as ExportManifest;
  } catch {
    return 'foreign';
  }
}

/**
 * Classifies each name: absent, written by an earlier export (its size and hash are in the manifest), or
 * foreign. Only regular files are read, and only when their size matches a recorded one, so a FIFO, a
 * device or a huge unrelated file is never opened.
 */
export async function classifyExisting(
  dir: string,
  names: readonly string[],
  manifest: ExportManifest | null,
): Promise<Existing[]> {
  const result: Existing[] = [];
  for (const name of names) {
    const info = await lstat(join(dir, name)).catch(() => null);
    if (!info) {
      result.push({ name, state: 'absent' });
      continue;
    }
    const known = Object.hasOwn(manifest?.files ?? {}, name) ? manifest!.files[name] : [];
    const sizes = Array.isArray(known) ? known.filter((v) => v?.size === info.size) : [];
    if (!info.isFile() || sizes.length === 0) {
      result.push({ name, state: 'foreign' });
      continue;
    }
    const version = versionOf(await readFile(join(dir, name)));
    const ours = sizes.some((v) => v.sha256 === version.sha256);
    result.push(ours ? { name, state: 'ours', version } : { name, state: 'foreign' });
  }
  return result;
}

/** `20261130T120501Z`: sortable, and valid in file names everywhere. */
export function backupStamp(now: Date): string {
  return now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

/** Moves `name` aside to `<name>.bak-<stamp>` (or `…-2`, `…-3` when taken); returns the new path. */
export async function keepAsBackup(dir: string, name: string, stamp: string): Promise<string> {
  for (let n = 1; ; n++) {
    const target = join(dir, `${name}.bak-${stamp}${n === 1 ? '' : `-${n}`}`);
    if (await lstat(target).catch(() => null)) continue;
    await rename(join(dir, name), target);
    return target;
  }
}

export async function writeManifest(dir: string, manifest: ExportManifest): Promise<void> {
  await writeFileAtomicAsync(join(dir, MANIFEST_NAME), JSON.stringify(manifest, null, 1) + '\n');
}
