import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { formatBytes } from '../limits';
import { shortPath } from '../quote';

/**
 * Reading a file a client named: only a regular file is read (never a device such as /dev/zero, a FIFO that
 * would block until someone writes to it, or a socket), and only up to a size cap. The file is opened
 * non-blocking and checked with fstat on the open descriptor, so nothing swapped in between is read either.
 * One message covers a missing, unreadable or non-regular file: it says nothing more about what is there.
 */

/** A file that could not (or may not) be read, with the reason to show next to its path. */
export class UnreadableFileError extends Error {
  override name = 'UnreadableFileError';
}

const FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0);

export function cannotRead(what: string, path: string): UnreadableFileError {
  return new UnreadableFileError(
    `cannot read ${what} ${shortPath(path)} (it is missing, unreadable or not a regular file)`,
  );
}

/** The caps on images are fixed; the one on data files (labels, CSV, IDX) is `--max-file-mb`. */
function tooLarge(what: string, path: string, size: number, maxBytes: number): UnreadableFileError {
  const hint = what === 'image' ? '' : ' (raise it with --max-file-mb)';
  return new UnreadableFileError(
    `${what} ${shortPath(path)} is ${formatBytes(size)}, more than the limit of ${formatBytes(maxBytes)}${hint}`,
  );
}

/** The whole file, off the event loop. */
export async function readRegularFile(path: string, what: string, maxBytes: number): Promise<Buffer> {
  let handle;
  try {
    handle = await open(path, FLAGS);
  } catch {
    throw cannotRead(what, path);
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw cannotRead(what, path);
    if (info.size > maxBytes) throw tooLarge(what, path, info.size, maxBytes);
    const data = Buffer.allocUnsafe(info.size);
    let off = 0;
    while (off < data.length) {
      const { bytesRead } = await handle.read(data, off, data.length - off, off);
      if (bytesRead === 0) break;
      off += bytesRead;
    }
    return off === data.length ? data : data.subarray(0, off);
  } catch (e) {
    if (e instanceof UnreadableFileError) throw e;
    throw cannotRead(what, path);
  } finally {
    await handle.close().catch(() => {});
  }
}

/**
 * The whole file, synchronously: for the many small image files of an import, where a blocking read costs
 * ~20 µs and fs.promises' round trips ~200 µs; the cap bounds how long one read can block.
 */
export function readRegularFileSync(path: string, what: string, maxBytes: number): Buffer {
  let fd: number;
  try {
    fd = openSync(path, FLAGS);
  } catch {
    throw cannotRead(what, path);
  }
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) throw cannotRead(what, path);
    if (info.size > maxBytes) throw tooLarge(what, path, info.size, maxBytes);
    const data = Buffer.allocUnsafe(info.size);
    let off = 0;
    while (off < data.length) {
      const n = readSync(fd, data, off, data.length - off, off);
      if (n === 0) break;
      off += n;
    }
    return off === data.length ? data : data.subarray(0, off);
  } catch (e) {
    if (e instanceof UnreadableFileError) throw e;
    throw cannotRead(what, path);
  } finally {
    closeSync(fd);
  }
}
