import { realpath } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { isInside } from './image-files';

/** A sample path that would leave its dataset folder (`..`, absolute, or a link pointing outside). */
export class UnsafePathError extends Error {
  override name = 'UnsafePathError';
}

/** Rejects what no sample path may look like, before touching the file system. */
export function assertRelativeSamplePath(rel: string): void {
  if (typeof rel !== 'string' || rel === '' || rel.includes('\0')) {
    throw new UnsafePathError(`invalid sample path ${JSON.stringify(rel)}`);
  }
  if (isAbsolute(rel) || /^[a-zA-Z]:/.test(rel) || rel.startsWith('\\') || rel.startsWith('/')) {
    throw new UnsafePathError(`sample path ${rel} is absolute; it must be relative to the dataset folder`);
  }
  if (rel.split(/[\\/]/).includes('..')) {
    throw new UnsafePathError(`sample path ${rel} contains "..", which could leave the dataset folder`);
  }
}

/**
 * The real path of `rel` inside `root`, after following every symlink; refuses anything that resolves
 * outside the root (compared on the real paths of both). Rejects with the file system's error (ENOENT…)
 * when the file is missing. Used by the importer and by both media transports.
 */
export async function resolveInsideRoot(root: string, rel: string): Promise<string> {
  assertRelativeSamplePath(rel);
  const realRoot = await realpath(root);
  return resolveInsideRealRoot(realRoot, rel);
}

/** As `resolveInsideRoot`, for a root already passed through realpath (saves one call per image). */
export async function resolveInsideRealRoot(realRoot: string, rel: string): Promise<string> {
  assertRelativeSamplePath(rel);
  const real = await realpath(resolve(realRoot, rel));
  if (!isInside(realRoot, real)) {
    throw new UnsafePathError(`${rel} resolves to ${real}, outside the dataset folder ${realRoot}`);
  }
  return real;
}
