import { realpathSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  assertNoCaseCollisions,
  isFolderInside,
  isImageName,
  joinRel,
  noImagesError,
  readDirOrThrow,
} from './image-files';
import { naturalCompare } from './natural-sort';
import type { FileListing, SourceEntry } from './source-types';

/**
 * `root/<class name>/<images>` (sub-folders of a class folder included). Class ids follow the code-point order of the folder names (as
 * torchvision's ImageFolder does); samples are ordered by class, then by natural path order.
 */
export function listImageFolderSource(rootDir: string): FileListing {
  const root = realpathSync(resolve(rootDir));
  const classDirs = readDirOrThrow(root)
    .filter((d) => !d.name.startsWith('.') && isFolderInside(root, join(root, d.name), d))
    .map((d) => d.name)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (classDirs.length === 0)
    throw new Error(`${root} has no class folders (expected ${root}/<class>/<image>)`);
  assertNoCaseCollisions(classDirs, root);

  const entries: SourceEntry[] = [];
  const classes = classDirs.map((name, id) => ({ id, name }));
  const empty: string[] = [];
  for (const c of classes) {
    const files = collectImages(root, c.name, new Set()).sort(naturalCompare);
    if (files.length === 0) empty.push(c.name);
    for (const path of files) entries.push({ path, label: c.id });
  }
  if (entries.length === 0) throw noImagesError(`${root} or its class folders`);
  const withImages = classes.filter((c) => !empty.includes(c.name));
  if (withImages.length === 1) {
    throw new Error(
      `only one class (label ${withImages[0].id}, folder "${withImages[0].name}") in ${root} has images, need at least 2`,
    );
  }
  if (empty.length > 0) {
    throw new Error(
      `class folder(s) without images in ${root}: ${empty.join(', ')}; remove them or add images`,
    );
  }
  assertNoCaseCollisions(
    entries.map((e) => e.path),
    root,
  );
  return { format: 'imagefolder', root, labelSource: null, entries, classes };
}

/** Image-named entries below `root/rel`, recursing into sub-folders (links only when they stay inside root). */
function collectImages(root: string, rel: string, visited: Set<string>): string[] {
  const abs = join(root, rel);
  const real = realpathSync(abs);
  if (visited.has(real)) return [];
  visited.add(real);
  const out: string[] = [];
  for (const d of readDirOrThrow(abs)) {
    if (d.name.startsWith('.')) continue;
    const childRel = joinRel(rel, d.name);
    if (isImageName(d.name)) out.push(childRel);
    else if (isFolderInside(root, join(root, childRel), d))
      out.push(...collectImages(root, childRel, visited));
  }
  return out;
}
