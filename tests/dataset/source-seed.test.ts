import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listSeedSource } from '../../src-main/core/dataset/source-seed';
import { tempDir } from '../helpers/tmp';
import { jpeg, writeFile } from './helpers';

async function folder(dir: string, names: string[]): Promise<string> {
  const img = join(dir, 'imgs');
  mkdirSync(img, { recursive: true });
  for (const [i, n] of names.entries()) writeFile(join(img, n), await jpeg(i));
  return img;
}

describe('seed source (image folder + label_train.txt)', () => {
  it('matches label lines to images in natural name order, without reading the images', async () => {
    const dir = tempDir();
    const img = await folder(dir, ['img10.jpg', 'img2.jpg', 'img1.jpg']);
    writeFileSync(join(img, 'notes.txt'), 'not an image, not listed');
    writeFileSync(join(img, '._img1.jpg'), 'macOS resource fork, not listed');
    writeFileSync(join(dir, 'labels.txt'), '0\n1\n1\n');
    const s = await listSeedSource(img, join(dir, 'labels.txt'));
    expect(s.entries).toEqual([
      { path: 'img1.jpg', label: 0 },
      { path: 'img2.jpg', label: 1 },
      { path: 'img10.jpg', label: 1 },
    ]);
    expect(s.classes).toEqual([
      { id: 0, name: '0' },
      { id: 1, name: '1' },
    ]);
    expect(s.format).toBe('seed');
    expect(s.labelSource).toBe(join(dir, 'labels.txt'));
  });

  it('accepts CRLF, a BOM and one trailing newline, or none', async () => {
    const dir = tempDir();
    const img = await folder(dir, ['a.jpg', 'b.jpg', 'c.jpg']);
    for (const text of ['\ufeff1\r\n0\r\n2\r\n', '1\n0\n2', '1\r\n0\r\n2']) {
      writeFileSync(join(dir, 'l.txt'), text);
      expect((await listSeedSource(img, join(dir, 'l.txt'))).entries.map((e) => e.label)).toEqual([1, 0, 2]);
    }
    expect((await listSeedSource(img, join(dir, 'l.txt'))).classes.map((c) => c.name)).toEqual([
      '0',
      '1',
      '2',
    ]);
  });

  it.each([
    ['0\nx\n1\n', /l\.txt:2: "x" is not an integer label/],
    ['0\n1.5\n1\n', /l\.txt:2: "1\.5" is not an integer label/],
    ['0\n1\n-1\n', /l\.txt:3: negative label -1/],
    ['0\n\n1\n', /l\.txt:2: blank line/],
    ['0\n1\n1\n\n', /l\.txt:4: blank line/],
  ])('names file and line of a bad label (%j)', async (text, error) => {
    const dir = tempDir();
    const img = await folder(dir, ['a.jpg', 'b.jpg', 'c.jpg']);
    writeFileSync(join(dir, 'l.txt'), text);
    await expect(listSeedSource(img, join(dir, 'l.txt'))).rejects.toThrow(error);
  });

  it('refuses a label count that differs from the image count, stating both', async () => {
    const dir = tempDir();
    const img = await folder(dir, ['a.jpg', 'b.jpg', 'c.jpg']);
    writeFileSync(join(dir, 'l.txt'), '0\n1\n');
    await expect(listSeedSource(img, join(dir, 'l.txt'))).rejects.toThrow(
      /has 2 labels but .*imgs has 3 images/,
    );
  });

  it('refuses a single class', async () => {
    const dir = tempDir();
    const img = await folder(dir, ['a.jpg', 'b.jpg']);
    writeFileSync(join(dir, 'l.txt'), '1\n1\n');
    await expect(listSeedSource(img, join(dir, 'l.txt'))).rejects.toThrow(
      /only one class \(label 1\).*need at least 2/,
    );
  });

  it('refuses names that differ only in case, listing both', async () => {
    const dir = tempDir();
    const img = await folder(dir, ['IMG1.jpg', 'img1.jpg', 'img2.jpg']);
    writeFileSync(join(dir, 'l.txt'), '0\n1\n0\n');
    await expect(listSeedSource(img, join(dir, 'l.txt'))).rejects.toThrow(
      /"IMG1\.jpg" and "img1\.jpg" differ only in letter case/,
    );
  });

  it('refuses an empty folder and a missing label file', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'empty'));
    writeFileSync(join(dir, 'l.txt'), '0\n');
    await expect(listSeedSource(join(dir, 'empty'), join(dir, 'l.txt'))).rejects.toThrow(
      /no images \(\.jpg.*\) in .*empty/,
    );
    const img = await folder(dir, ['a.jpg']);
    await expect(listSeedSource(img, join(dir, 'missing.txt'))).rejects.toThrow(
      /cannot read label file .*missing\.txt \(it is missing, unreadable or not a regular file\)/,
    );
    await expect(listSeedSource(join(dir, 'nope'), join(dir, 'l.txt'))).rejects.toThrow(
      /cannot read folder .*nope \(it is missing or unreadable\)/,
    );
  });

  it('lists image-named folders and links too, so a bad entry cannot shift later labels', async () => {
    const dir = tempDir();
    const img = await folder(dir, ['1.jpg', '3.jpg']);
    mkdirSync(join(img, '2.jpg'));
    symlinkSync('/etc/hostname', join(img, '4.jpg'));
    writeFileSync(join(dir, 'l.txt'), '0\n1\n0\n1\n');
    expect((await listSeedSource(img, join(dir, 'l.txt'))).entries.map((e) => e.path)).toEqual([
      '1.jpg',
      '2.jpg',
      '3.jpg',
      '4.jpg',
    ]);
  });
});
