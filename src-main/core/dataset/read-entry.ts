import { readFileSync, realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { isInside } from './image-files';
import { UnsafePathError, assertRelativeSamplePath } from './safe-path';
import type { FileListing } from './source-types';

/** A file that could not be read, with the reason to show next to its path. */
export class UnreadableFileError extends Error {
  override name = 'UnreadableFileError';
}

const WHY: Record<string, string> = {
  ENOENT: 'file is missing (or a link to a missing file)',
  EISDIR: 'is a folder, not an image file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ELOOP: 'symbolic link loop',
};

/**
 * The bytes of entry `i` of a file listing; refuses paths leaving the root (links included).
 * Synchronous on purpose: for the small files datasets are made of, a blocking read costs ~20 µs of the
 * main thread where fs.promises' open/stat/read/close round trips cost ~200 µs, which capped imports.
 */
export function readEntryBytes(listing: FileListing, i: number): Buffer {
  return readFileInsideRoot(listing.root, listing.entries[i].path);
}

/** `rel` under `realRoot` (a path already passed through realpath), refusing anything that leads out. */
export function readFileInsideRoot(realRoot: string, rel: string): Buffer {
  try {
    assertRelativeSamplePath(rel);
    const real = realpathSync.native(resolve(realRoot, rel));
    if (!isInside(realRoot, real)) {
      throw new UnsafePathError(`${rel} resolves to ${real}, outside the dataset folder ${realRoot}`);
    }
    return readFileSync(real);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err instanceof UnsafePathError) throw new UnreadableFileError(err.message);
    throw new UnreadableFileError(`cannot read: ${(err.code && WHY[err.code]) ?? err.message}`);
  }
}
