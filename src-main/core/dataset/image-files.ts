import type { Dirent } from 'node:fs';
import { opendir, realpath, stat } from 'node:fs/promises';
import { yielder } from '../cooperative';
import { extname, relative, sep } from 'node:path';
import { MAX_SAMPLES } from '../limits';
import { shortPath } from '../quote';
import { tooManySamples } from './label-file';
import { naturalSortCooperatively } from './natural-sort';

/** Extensions listed as images; all decodable by sharp's bundled libvips. */
export const IMAGE_EXTENSIONS = [
  '.jpg',
  '.jpeg',
  '.jpe',
  '.jfif',
  '.png',
  '.webp',
  '.gif',
  '.tif',
  '.tiff',
  '.avif',
];

export const isImageName = (name: string): boolean => IMAGE_EXTENSIONS.includes(extname(name).toLowerCase());

/**
 * The entries of a folder that `keep` accepts, listed off the event loop; one clear message when it cannot be
 * listed.
 */
export async function readDirOrThrow(
  dir: string,
  keep: (d: Dirent) => boolean = () => true,
): Promise<Dirent[]> {
  try {
    // Streamed a few hundred entries at a time: a folder of 100,000 images never arrives in one piece.
    const entries: Dirent[] = [];
    for await (const d of await opendir(dir, { bufferSize: 256 })) if (keep(d)) entries.push(d);
    return entries;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR') throw new Error(`${shortPath(dir)} is not a folder`);
    throw new Error(`cannot read folder ${shortPath(dir)} (it is missing or unreadable)`);
  }
}

/**
 * Image-named entries directly in `dir`, naturally sorted (in slices: a folder may hold 100,000 images).
 * Whatever carries an image name is listed, even if it turns out to be a folder or a dangling link: it is then
 * reported as a bad image with its path instead of silently shifting every later label by one. Hidden names
 * (`.x.jpg`, macOS `._x.jpg` resource forks) are not images of the dataset and are left out.
 */
export async function listImageNames(dir: string): Promise<string[]> {
  // Filtered while listed: one pass over 100,000 entries after the listing held the event loop ~40 ms.
  const names = (await readDirOrThrow(dir, (d) => !d.name.startsWith('.') && isImageName(d.name))).map(
    (d) => d.name,
  );
  if (names.length > MAX_SAMPLES) throw tooManySamples(dir);
  return naturalSortCooperatively(names);
}

/**
 * True for a folder, or a symlink to a folder, that stays inside `realRoot`. Throws for links leaving it,
 * without saying where they lead.
 */
export async function isFolderInside(realRoot: string, path: string, d: Dirent): Promise<boolean> {
  if (d.isDirectory()) return true;
  if (!d.isSymbolicLink()) return false;
  let target: string;
  try {
    if (!(await stat(path)).isDirectory()) return false;
    target = await realpath(path);
  } catch {
    return false;
  }
  if (!isInside(realRoot, target)) {
    throw new Error(`${shortPath(path)} is a link leading outside the dataset folder; refusing to follow it`);
  }
  return true;
}

/** `child` is strictly below `parent` (both absolute and resolved). */
export function isInside(parent: string, child: string): boolean {
  const r = relative(parent, child);
  return r !== '' && r.split(sep)[0] !== '..' && !r.startsWith(sep) && !/^[a-zA-Z]:/.test(r);
}

/** Relative path with forward slashes, as stored in projects. */
export const toPosix = (p: string): string => p.split(sep).join('/');

export const joinRel = (dir: string, name: string): string => (dir ? `${dir}/${name}` : name);

/** Paths differing only in letter case collide on Windows and macOS: refuse them up front (in slices). */
export async function assertNoCaseCollisions(paths: Iterable<string>, where: string): Promise<void> {
  const seen = new Map<string, string>();
  const pause = yielder();
  let n = 0;
  for (const p of paths) {
    if ((++n & 1023) === 0) await pause();
    const key = p.toLowerCase();
    const other = seen.get(key);
    if (other !== undefined && other !== p) {
      throw new Error(
        `${where}: "${shortPath(other)}" and "${shortPath(p)}" differ only in letter case; they would collide on case-insensitive ` +
          `file systems (Windows, macOS): rename one`,
      );
    }
    seen.set(key, p);
  }
}

export function noImagesError(dir: string): Error {
  return new Error(`no images (${IMAGE_EXTENSIONS.join(', ')}) in ${shortPath(dir)}`);
}
