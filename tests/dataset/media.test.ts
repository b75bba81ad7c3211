import { mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { importDataset } from '../../src-main/core/dataset/import';
import { MediaNotFoundError, readSampleImage } from '../../src-main/core/dataset/media';
import { UnsafePathError, resolveInsideRoot } from '../../src-main/core/dataset/safe-path';
import { Project } from '../../src-main/core/store/project';
import { tempDir } from '../helpers/tmp';
import { jpeg, seedDataset, writeFile } from './helpers';

describe('resolveInsideRoot', () => {
  it('resolves files inside the root, through links that stay inside', async () => {
    const dir = tempDir();
    writeFile(join(dir, 'root', 'a', 'x.jpg'), 'x');
    symlinkSync(join(dir, 'root', 'a', 'x.jpg'), join(dir, 'root', 'link.jpg'));
    expect(await resolveInsideRoot(join(dir, 'root'), 'a/x.jpg')).toBe(join(dir, 'root', 'a', 'x.jpg'));
    expect(await resolveInsideRoot(join(dir, 'root'), 'link.jpg')).toBe(join(dir, 'root', 'a', 'x.jpg'));
    expect(await resolveInsideRoot(join(dir, 'root'), 'a/./x.jpg')).toBe(join(dir, 'root', 'a', 'x.jpg'));
  });

  it('refuses .., absolute paths, empty paths and links leading out', async () => {
    const dir = tempDir();
    writeFile(join(dir, 'root', 'x.jpg'), 'x');
    writeFile(join(dir, 'secret.txt'), 's');
    symlinkSync(join(dir, 'secret.txt'), join(dir, 'root', 'evil.jpg'));
    mkdirSync(join(dir, 'elsewhere'));
    symlinkSync(join(dir, 'elsewhere'), join(dir, 'root', 'sub'));
    writeFile(join(dir, 'elsewhere', 'y.jpg'), 'y');
    const root = join(dir, 'root');
    for (const bad of [
      '../secret.txt',
      'a/../../secret.txt',
      '..\\secret.txt',
      join(dir, 'secret.txt'),
      'C:/x.jpg',
      '',
      'x\0.jpg',
    ]) {
      await expect(resolveInsideRoot(root, bad), bad).rejects.toThrow(UnsafePathError);
    }
    await expect(resolveInsideRoot(root, 'evil.jpg')).rejects.toThrow(/outside the dataset folder/);
    await expect(resolveInsideRoot(root, 'sub/y.jpg')).rejects.toThrow(/outside the dataset folder/);
    await expect(resolveInsideRoot(root, 'missing.jpg')).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('readSampleImage', () => {
  it('serves originals and thumbnails, converts TIFF, and never leaves the dataset folder', async () => {
    const dir = tempDir();
    const names = await seedDataset(join(dir, 'd'), [0, 1, 0]);
    const img = join(dir, 'd', 'train_img');
    // A TIFF under a .jpg name still decodes; browsers cannot show it, so it is served as PNG.
    writeFileSync(
      join(img, names[2]),
      await sharp(await jpeg(7))
        .tiff()
        .toBuffer(),
    );
    const project = Project.create(join(dir, 'p.relabel'));
    await importDataset(project, join(dir, 'd'), { onBadImage: 'stop' });

    const original = await readSampleImage(project, 0, 'image');
    expect(original).toEqual({ data: readFileSync(join(img, names[0])), mime: 'image/jpeg' });
    expect(await readSampleImage(project, 1, 'thumb')).toEqual(project.getThumbnail(1));
    const tiff = await readSampleImage(project, 2, 'image');
    expect(tiff.mime).toBe('image/png');
    expect((await sharp(tiff.data).metadata()).width).toBe(16);

    await expect(readSampleImage(project, 99, 'image')).rejects.toThrow(MediaNotFoundError);
    await expect(readSampleImage(project, 99, 'thumb')).rejects.toThrow(MediaNotFoundError);
    await expect(readSampleImage(project, -1, 'image')).rejects.toThrow(MediaNotFoundError);

    // The file was swapped for a link to a file outside the dataset after import.
    writeFile(join(dir, 'secret.jpg'), await jpeg(9));
    renameSync(join(img, names[0]), join(dir, 'moved.jpg'));
    symlinkSync(join(dir, 'secret.jpg'), join(img, names[0]));
    await expect(readSampleImage(project, 0, 'image')).rejects.toThrow(UnsafePathError);
    rmSync(join(img, names[1]));
    await expect(readSampleImage(project, 1, 'image')).rejects.toThrow(/no longer in/);

    // A crafted project row cannot point outside the root either.
    project.db.prepare(`UPDATE samples SET path = '../../secret.jpg' WHERE idx = 2`).run();
    await expect(readSampleImage(project, 2, 'image')).rejects.toThrow(UnsafePathError);
    project.close();
  });

  it('encodes IDX samples from their stored pixels', async () => {
    const dir = tempDir();
    const head = Buffer.alloc(16);
    head.writeUInt32BE(0x803, 0);
    head.writeUInt32BE(2, 4);
    head.writeUInt32BE(3, 8);
    head.writeUInt32BE(3, 12);
    const px = Buffer.from([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120, 130, 140, 150, 160, 170]);
    writeFile(join(dir, 'x-images-idx3-ubyte'), Buffer.concat([head, px]));
    writeFile(join(dir, 'x-labels-idx1-ubyte'), Buffer.from([0, 0, 8, 1, 0, 0, 0, 2, 0, 1]));
    const project = Project.create(join(dir, 'p.relabel'));
    await importDataset(project, join(dir, 'x'), { onBadImage: 'stop' });
    const png = await readSampleImage(project, 1, 'image');
    expect(png.mime).toBe('image/png');
    expect(Buffer.compare(await sharp(png.data).extractChannel(0).raw().toBuffer(), px.subarray(9))).toBe(0);
    project.close();
  });
});
