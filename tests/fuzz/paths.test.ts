import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createService, ServiceError } from '../../src-main/core/service';
import { importDataset } from '../../src-main/core/dataset/import';
import { readFileInsideRoot } from '../../src-main/core/dataset/read-entry';
import { resolveInsideRoot } from '../../src-main/core/dataset/safe-path';
import { listImageFolderSource } from '../../src-main/core/dataset/source-imagefolder';
import { Project } from '../../src-main/core/store/project';
import { jpeg, seedDataset, writeFile } from '../dataset/helpers';
import { scratchDir } from '../durability/scratch';
import { check, describeStats, fuzz, int, mulberry32, pickOne } from './fuzz-kit';

const CASES = 10_000;
const SECRET = 'secret bytes outside the dataset';

/**
 * root/ a.jpg, sub/b.jpg, links that stay inside (to sub, to a.jpg) and links that lead out (to a folder and
 * a file next to root, to /, a link loop); next to root: the outside folder and file.
 */
function datasetWithLinks(dir: string): string {
  const root = join(dir, 'root');
  mkdirSync(join(root, 'sub'), { recursive: true });
  mkdirSync(join(dir, 'outside'));
  writeFileSync(join(root, 'a.jpg'), 'a');
  writeFileSync(join(root, 'sub', 'b.jpg'), 'b');
  writeFileSync(join(dir, 'outside', 'secret.jpg'), SECRET);
  writeFileSync(join(dir, 'outside.jpg'), SECRET);
  symlinkSync(join(root, 'sub'), join(root, 'link-in'));
  symlinkSync(join(root, 'a.jpg'), join(root, 'file-in.jpg'));
  symlinkSync(join(dir, 'outside'), join(root, 'link-out'));
  symlinkSync('../outside.jpg', join(root, 'file-out.jpg'));
  symlinkSync('/', join(root, 'abs-link'));
  symlinkSync('loop', join(root, 'loop'));
  return root;
}

const SEGMENTS = [
  '..',
  '.',
  '',
  'a.jpg',
  'sub',
  'b.jpg',
  'link-in',
  'file-in.jpg',
  'link-out',
  'file-out.jpg',
  'secret.jpg',
  'abs-link',
  'etc',
  'passwd',
  'loop',
  'outside',
  'outside.jpg',
  'root',
  '%2e%2e',
  '..%2f',
  '\0',
  'C:',
  '~',
  '...',
];

function randomRelPath(rng: () => number): string {
  const sep = () => pickOne(rng, ['/', '/', '/', '\\', '//']);
  let p = Array.from({ length: int(rng, 1, 5) }, () => pickOne(rng, SEGMENTS)).join(sep());
  if (rng() < 0.1) p = pickOne(rng, ['/', './', '\\', 'C:\\', '//']) + p;
  return p;
}

describe('fuzz: paths never leave the dataset folder', () => {
  let dir: string;
  let root: string;
  let realRoot: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'relabel-paths-'));
    root = datasetWithLinks(dir);
    realRoot = realpathSync(root);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const inside = (p: string) => {
    const rel = relative(realRoot, p);
    return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
  };

  it(`resolveInsideRoot (media) and readFileInsideRoot (import): ${CASES} random paths each, links included`, async () => {
    const rng = mulberry32(0x9a7401);
    let refusedOutside = 0;
    const media = await fuzz(
      CASES,
      (i) => {
        const rel = randomRelPath(rng);
        return {
          label: `media ${i}: ${JSON.stringify(rel)}`,
          run: async () => {
            const real = await resolveInsideRoot(root, rel);
            check(inside(real) && realpathSync(real) === real, `resolved to ${real}, outside ${realRoot}`);
          },
        };
      },
      (e, label) => {
        if (/outside the dataset folder|contains "\.\."|is absolute|invalid sample path/.test(e.message))
          refusedOutside++;
        check(e.message.length > 0, label);
      },
    );
    const imports = await fuzz(
      CASES,
      (i) => {
        const rel = randomRelPath(rng);
        return {
          label: `import ${i}: ${JSON.stringify(rel)}`,
          run: () => {
            const bytes = readFileInsideRoot(realRoot, rel).toString();
            check(
              bytes !== SECRET && (bytes === 'a' || bytes === 'b'),
              `read ${JSON.stringify(bytes)} through ${rel}`,
            );
          },
        };
      },
      (e, label) => check(e.name === 'UnreadableFileError', `${label}: ${e.name}: ${e.message}`),
    );
    expect(media.accepted).toBeGreaterThan(0);
    expect(refusedOutside).toBeGreaterThan(CASES / 10);
    console.log(describeStats('sample paths for media (resolveInsideRoot)', media));
    console.log(describeStats('sample paths for import (readFileInsideRoot)', imports));
  });

  it('the importer refuses images and class folders that are links leading outside', async () => {
    const d = scratchDir();
    const names = await seedDataset(join(d, 'seed'), [0, 1, 0, 1]);
    writeFile(join(d, 'outside.jpg'), await jpeg(9));
    const linked = join(d, 'seed', 'train_img', names[2]);
    rmSync(linked);
    symlinkSync(join(d, 'outside.jpg'), linked);
    const project = Project.create(join(d, 'p.relabel'));
    await expect(importDataset(project, join(d, 'seed'), { onBadImage: 'stop' })).rejects.toThrow(
      /outside the dataset folder/,
    );
    expect(project.getDatasetInfo()).toBeNull();
    const skipped = await importDataset(project, join(d, 'seed'), { onBadImage: 'skip' });
    expect(skipped.skipped).toEqual([
      { index: 2, path: names[2], reason: expect.stringMatching(/outside the dataset folder/) },
    ]);
    expect(Array.from(project.readSamplePixels(2)!).every((v) => v === 0)).toBe(true);

    // ImageFolder: a class folder that is a link to a folder outside the root.
    mkdirSync(join(d, 'folders', 'cat'), { recursive: true });
    writeFile(join(d, 'folders', 'cat', '1.jpg'), await jpeg(1));
    mkdirSync(join(d, 'elsewhere'));
    writeFile(join(d, 'elsewhere', '2.jpg'), await jpeg(2));
    symlinkSync(join(d, 'elsewhere'), join(d, 'folders', 'dog'));
    await expect(listImageFolderSource(join(d, 'folders'))).rejects.toThrow(
      /leading outside the dataset folder; refusing to follow it/,
    );

    // Media: the file is swapped for a link leading out after the import; the service refuses to serve it.
    project.close();
    const service = createService({ projectPath: join(d, 'p.relabel'), annotator: 'a' });
    const shown = join(d, 'seed', 'train_img', names[0]);
    rmSync(shown);
    symlinkSync(join(d, 'outside.jpg'), shown);
    const err = await service.readMedia('image', 0).catch((e: Error) => e);
    expect(err).toBeInstanceOf(ServiceError);
    expect((err as ServiceError).code).toBe('not_found');
    expect((await service.readMedia('image', 1)).data).toEqual(
      readFileSync(join(d, 'seed', 'train_img', names[1])),
    );
    await service.close();
  });
});
