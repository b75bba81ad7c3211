import { realpath } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DEFAULT_LIMITS, MAX_SAMPLES, tooManyClasses, type DataLimits } from '../limits';
import { tooManySamples } from './label-file';
import { shortPath } from '../quote';
import {
  assertNoCaseCollisions,
  isFolderInside,
  isImageName,
  joinRel,
  noImagesError,
  readDirOrThrow,
} from './image-files';
import { naturalSortCooperatively } from './natural-sort';
import type { FileListing, SourceEntry } from './source-types';

/**
 * `root/<class name>/<images>` (sub-folders of a class folder included). Class ids follow the code-point order of
 * the folder names (as torchvision's ImageFolder does); samples are ordered by class, then by natural path order.
 * Listed off the event loop and sorted in slices.
 */
export async function listImageFolderSource(
  rootDir: string,
  limits: DataLimits = DEFAULT_LIMITS,
): Promise<FileListing> {
  const root = await realpath(resolve(rootDir)).catch(() => {
    throw new Error(`cannot read folder ${shortPath(resolve(rootDir))} (it is missing or unreadable)`);
  });
  const classDirs: string[] = [];
  for (const d of await readDirOrThrow(root)) {
    if (!d.name.startsWith('.') && (await isFolderInside(root, join(root, d.name), d)))
      classDirs.push(d.name);
    if (classDirs.length > limits.maxClasses) {
      throw tooManyClasses(shortPath(root), `more than ${limits.maxClasses} class folders`, limits);
    }
  }
  classDirs.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (classDirs.length === 0)
    throw new Error(`${shortPath(root)} has no class folders (expected ${shortPath(root)}/<class>/<image>)`);
  await assertNoCaseCollisions(classDirs, root);

  const entries: SourceEntry[] = [];
  const classes = classDirs.map((name, id) => ({ id, name }));
  const empty: string[] = [];
  for (const c of classes) {
    const files = await naturalSortCooperatively(await collectImages(root, c.name, new Set()));
    if (files.length === 0) empty.push(c.name);
    for (const path of files) entries.push({ path, label: c.id });
    if (entries.length > MAX_SAMPLES) throw tooManySamples(root);
  }
  if (entries.length === 0) throw noImagesError(`${root} or its class folders`);
  const withImages = classes.filter((c) => !empty.includes(c.name));
  if (withImages.length === 1) {
    throw new Error(
      `only one class (label ${withImages[0].id}, folder "${shortPath(withImages[0].name)}") in ${shortPath(root)} has images, need at least 2`,
    );
  }
  if (empty.length > 0) {
    throw new Error(
      `class folder(s) without images in ${shortPath(root)}: ${shortPath(empty.join(', '))}; remove them or add images`,
    );
  }
  await assertNoCaseCollisions(
    entries.map((e) => e.path),
    root,
  );
  return { format: 'imagefolder', root, labelSource: null, entries, classes };
}

/** Image-named entries below `root/rel`, recursing into sub-folders (links only when they stay inside root). */
async function collectImages(root: string, rel: string, visited: Set<string>): Promise<string[]> {
  const abs = join(root, rel);
  const real = await realpath(abs);
  if (visited.has(real)) return [];
  visited.add(real);
  const out: string[] = [];
  for (const d of await readDirOrThrow(abs)) {
    if (d.name.startsWith('.')) continue;
    const childRel = joinRel(rel, d.name);
    if (isImageName(d.name)) out.push(childRel);
    else if (await isFolderInside(root, join(root, childRel), d))
      out.push(...(await collectImages(root, childRel, visited)));
  }
  return out;
}
