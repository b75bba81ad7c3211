import { readdirSync, realpathSync, statSync, type Dirent } from 'node:fs';
import { extname, relative, sep } from 'node:path';
import { naturalCompare } from './natural-sort';

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

export function readDirOrThrow(dir: string): Dirent[] {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new Error(`folder ${dir} does not exist`);
    if (code === 'ENOTDIR') throw new Error(`${dir} is not a folder`);
    throw new Error(`cannot read folder ${dir}: ${(e as Error).message}`);
  }
}

/**
 * Image-named entries directly in `dir`, naturally sorted. Whatever carries an image name is listed,
 * even if it turns out to be a folder or a dangling link: it is then reported as a bad image with its
 * path instead of silently shifting every later label by one. Hidden names (`.x.jpg`, macOS `._x.jpg`
 * resource forks) are not images of the dataset and are left out.
 */
export function listImageNames(dir: string): string[] {
  return readDirOrThrow(dir)
    .filter((d) => !d.name.startsWith('.') && isImageName(d.name))
    .map((d) => d.name)
    .sort(naturalCompare);
}

/** True for a folder, or a symlink to a folder, that stays inside `realRoot`. Throws for links leaving it. */
export function isFolderInside(realRoot: string, path: string, d: Dirent): boolean {
  if (d.isDirectory()) return true;
  if (!d.isSymbolicLink()) return false;
  let target: string;
  try {
    if (!statSync(path).isDirectory()) return false;
    target = realpathSync(path);
  } catch {
    return false;
  }
  if (!isInside(realRoot, target)) {
    throw new Error(
      `${path} is a link to ${target}, outside the dataset folder ${realRoot}; refusing to follow it`,
    );
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

/** Paths differing only in letter case collide on Windows and macOS: refuse them up front. */
export function assertNoCaseCollisions(paths: Iterable<string>, where: string): void {
  const seen = new Map<string, string>();
  for (const p of paths) {
    const key = p.toLowerCase();
    const other = seen.get(key);
    if (other !== undefined && other !== p) {
      throw new Error(
        `${where}: "${other}" and "${p}" differ only in letter case; they would collide on case-insensitive ` +
          `file systems (Windows, macOS): rename one`,
      );
    }
    seen.set(key, p);
  }
}

export function noImagesError(dir: string): Error {
  return new Error(`no images (${IMAGE_EXTENSIONS.join(', ')}) in ${dir}`);
}
