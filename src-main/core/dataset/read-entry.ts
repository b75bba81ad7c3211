import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { MAX_IMAGE_FILE_BYTES } from '../limits';
import { shortPath } from '../quote';
import { isInside } from './image-files';
import { readRegularFileSync, UnreadableFileError } from './regular-file';
import { UnsafePathError, assertRelativeSamplePath } from './safe-path';
import type { FileListing } from './source-types';

export { UnreadableFileError } from './regular-file';

/**
 * The bytes of entry `i` of a file listing; refuses paths leaving the root (links included).
 * Synchronous on purpose: for the small files datasets are made of, a blocking read costs ~20 µs of the
 * main thread where fs.promises' open/stat/read/close round trips cost ~200 µs, which capped imports. Only a
 * regular file of at most MAX_IMAGE_FILE_BYTES is read (opened non-blocking), so one read stays short.
 */
export function readEntryBytes(listing: FileListing, i: number): Buffer {
  return readFileInsideRoot(listing.root, listing.entries[i].path);
}

/**
 * `rel` under `realRoot` (a path already passed through realpath), refusing anything that leads out. The reason
 * never says where a link leads.
 */
export function readFileInsideRoot(realRoot: string, rel: string): Buffer {
  let real: string;
  try {
    assertRelativeSamplePath(rel);
    real = realpathSync.native(resolve(realRoot, rel));
  } catch (e) {
    if (e instanceof UnsafePathError) throw new UnreadableFileError(e.message);
    throw new UnreadableFileError('cannot read: missing, unreadable or not a regular file');
  }
  if (!isInside(realRoot, real)) {
    throw new UnreadableFileError(`${shortPath(rel)} leads outside the dataset folder; not read`);
  }
  try {
    return readRegularFileSync(real, 'image', MAX_IMAGE_FILE_BYTES);
  } catch (e) {
    const message = (e as Error).message;
    // The file is named by the caller's listing already; the reason is what matters next to it.
    throw new UnreadableFileError(
      message.startsWith('cannot read') ? 'cannot read: missing, unreadable or not a regular file' : message,
    );
  }
}
