import { realpath, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { isInside } from './dataset/image-files';
import { shortPath } from './quote';

/** A path a client asked the server to read or write that lies outside every allowed folder. */
export class OutsideRootsError extends Error {
  override name = 'OutsideRootsError';
}

/**
 * The folders a served project may read datasets from and export into (`relabel serve --data-root`).
 * Paths are compared after resolving every symlink (and `..`), so neither a link inside a root nor a
 * relative path leads out. A path that does not exist yet (an export folder to create) is judged by its
 * nearest existing ancestor.
 *
 * The refusal never says whether the path exists or where a link points: the same message for all.
 */
export class PathRoots {
  private constructor(readonly dirs: readonly string[]) {}

  /** The real paths of `dirs`; each must be an existing folder. */
  static async open(dirs: readonly string[]): Promise<PathRoots> {
    const real: string[] = [];
    for (const dir of dirs) {
      let r: string;
      try {
        r = await realpath(resolve(dir));
        if (!(await stat(r)).isDirectory()) throw new Error('not a folder');
      } catch {
        throw new Error(`data root ${dir} is not an existing folder`);
      }
      if (!real.includes(r)) real.push(r);
    }
    if (real.length === 0) throw new Error('no data root given');
    return new PathRoots(real);
  }

  /** True when `realPath` (already symlink-free) is one of the roots or lies below one. */
  contains(realPath: string): boolean {
    return this.dirs.some((root) => realPath === root || isInside(root, realPath));
  }

  /**
   * The real path of `path` when it lies under a root; otherwise an OutsideRootsError naming `what` and the
   * path as the client wrote it (never its resolved target).
   */
  async confine(path: string, what: string): Promise<string> {
    const real = path.includes('\0') ? null : await realPathOfNearest(resolve(path));
    if (real === null || !this.contains(real)) {
      throw new OutsideRootsError(
        `${what} ${shortPath(path)} is outside the folders this server may use ` +
          `(${this.dirs.join(', ')}; the owner names them with relabel serve --data-root)`,
      );
    }
    return real;
  }
}

/**
 * realpath of `p`, or of its nearest existing ancestor with the missing rest appended. Null when not even
 * the file-system root resolves.
 */
export async function realPathOfNearest(p: string): Promise<string | null> {
  const missing: string[] = [];
  let current = p;
  for (;;) {
    try {
      return join(await realpath(current), ...missing);
    } catch {
      const parent = dirname(current);
      if (parent === current) return null;
      missing.unshift(basename(current));
      current = parent;
    }
  }
}
