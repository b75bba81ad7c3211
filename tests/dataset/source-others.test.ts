import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { detectSource, listSource } from '../../src-main/core/dataset/detect-source';
import { listCsvSource } from '../../src-main/core/dataset/source-csv';
import { findIdxFiles, listIdxSource } from '../../src-main/core/dataset/source-idx';
import { listImageFolderSource } from '../../src-main/core/dataset/source-imagefolder';
import { tempDir } from '../helpers/tmp';
import { jpeg, seedDataset, writeFile } from './helpers';

function idxImages(n: number, h: number, w: number, truncateBy = 0): Buffer {
  const head = Buffer.alloc(16);
  head.writeUInt32BE(0x803, 0);
  head.writeUInt32BE(n, 4);
  head.writeUInt32BE(h, 8);
  head.writeUInt32BE(w, 12);
  const px = Buffer.alloc(n * h * w - truncateBy);
  for (let i = 0; i < px.length; i++) px[i] = (i * 7) & 255;
  return Buffer.concat([head, px]);
}

function idxLabels(labels: number[]): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(0x801, 0);
  head.writeUInt32BE(labels.length, 4);
  return Buffer.concat([head, Buffer.from(labels)]);
}

describe('ImageFolder source', () => {
  it('numbers classes by folder name and orders samples by class, then natural name', async () => {
    const dir = tempDir();
    for (const [cls, names] of [
      ['dog', ['d10.jpg', 'd2.jpg']],
      ['cat', ['c1.png', 'sub/c0.jpg']],
    ] as const) {
      for (const n of names) writeFile(join(dir, cls, n), await jpeg(n.length));
    }
    writeFileSync(join(dir, 'cat', 'readme.txt'), 'ignored');
    const s = await listImageFolderSource(dir);
    expect(s.classes).toEqual([
      { id: 0, name: 'cat' },
      { id: 1, name: 'dog' },
    ]);
    expect(s.entries).toEqual([
      { path: 'cat/c1.png', label: 0 },
      { path: 'cat/sub/c0.jpg', label: 0 },
      { path: 'dog/d2.jpg', label: 1 },
      { path: 'dog/d10.jpg', label: 1 },
    ]);
    expect(s.labelSource).toBeNull();
  });

  it('refuses one class, empty class folders, case-twin folders and links leaving the root', async () => {
    const dir = tempDir();
    writeFile(join(dir, 'a', 'one', 'x.jpg'), await jpeg(1));
    writeFile(join(dir, 'a', 'two', 'x.jpg'), await jpeg(2));
    mkdirSync(join(dir, 'a', 'empty'));
    await expect(listImageFolderSource(join(dir, 'a'))).rejects.toThrow(
      /class folder\(s\) without images in .*: empty/,
    );
    writeFile(join(dir, 'b', 'only', 'x.jpg'), await jpeg(1));
    await expect(listImageFolderSource(join(dir, 'b'))).rejects.toThrow(
      /only one class \(label 0, folder "only"\).*need at least 2/,
    );
    writeFile(join(dir, 'c', 'Cat', 'x.jpg'), await jpeg(1));
    writeFile(join(dir, 'c', 'cat', 'y.jpg'), await jpeg(2));
    await expect(listImageFolderSource(join(dir, 'c'))).rejects.toThrow(
      /"Cat" and "cat" differ only in letter case/,
    );
    writeFile(join(dir, 'outside', 'z.jpg'), await jpeg(3));
    writeFile(join(dir, 'd', 'real', 'x.jpg'), await jpeg(1));
    symlinkSync(join(dir, 'outside'), join(dir, 'd', 'linked'));
    await expect(listImageFolderSource(join(dir, 'd'))).rejects.toThrow(
      /linked is a link leading outside the dataset folder; refusing to follow it/,
    );
  });
});

describe('CSV source', () => {
  it('reads integer labels, quoted paths and Windows separators relative to the CSV folder', async () => {
    const dir = tempDir();
    writeFile(join(dir, 'data.csv'), 'path,label\r\n"imgs/a, b.jpg",1\r\nimgs\\c.jpg,0\r\nd.jpg,3\r\n');
    // Class 2 has no image: accepted only when asked for (a stray label is refused by default).
    const s = await listCsvSource(join(dir, 'data.csv'), { allowEmptyClasses: true });
    expect(s.entries).toEqual([
      { path: 'imgs/a, b.jpg', label: 1 },
      { path: 'imgs/c.jpg', label: 0 },
      { path: 'd.jpg', label: 3 },
    ]);
    expect(s.classes.map((c) => c.id)).toEqual([0, 1, 2, 3]);
    expect(s.root).toBe(dir);
  });

  it('maps class names to ids in sorted order, columns in any order', async () => {
    const dir = tempDir();
    writeFile(join(dir, 'x.csv'), 'Class,File\ndog,1.jpg\ncat,2.jpg\ndog,3.jpg\n');
    const s = await listCsvSource(join(dir, 'x.csv'));
    expect(s.classes).toEqual([
      { id: 0, name: 'cat' },
      { id: 1, name: 'dog' },
    ]);
    expect(s.entries.map((e) => e.label)).toEqual([1, 0, 1]);
  });

  it.each([
    ['name,value\na.jpg,1\n', /x\.csv:1: the header must name a path column and a label column/],
    ['path,label\na.jpg,1\n\nb.jpg,0\n', /x\.csv:3: blank line/],
    ['path,label\na.jpg,1\nb.jpg\n', /x\.csv:3: 1 fields, the header has 2/],
    ['path,label\na.jpg,1\nb.jpg,\n', /x\.csv:3: empty label/],
    ['path,label\na.jpg,1\n../b.jpg,0\n', /x\.csv:3: \.\.\/b\.jpg is outside the CSV's folder/],
    ['path,label\na.jpg,1\n/etc/passwd,0\n', /x\.csv:3: \/etc\/passwd is outside the CSV's folder/],
    ['path,label\na.jpg,1\na.jpg,0\n', /x\.csv:3: a\.jpg is already listed on line 2/],
    ['path,label\na.jpg,1\nA.JPG,0\n', /"a\.jpg" and "A\.JPG" differ only in letter case/],
    ['path,label\na.jpg,cat\nb.jpg,cat\n', /only one class \(label "cat"\)/],
    ['path,label\n"a.jpg,1\n', /x\.csv:2: unterminated quoted field/],
    ['path,label\n', /lists no images/],
  ])('reports bad CSV %j with file and line', async (text, error) => {
    const dir = tempDir();
    writeFile(join(dir, 'x.csv'), text);
    await expect(listCsvSource(join(dir, 'x.csv'))).rejects.toThrow(error);
  });
});

describe('IDX source', () => {
  it('reads raw and gzipped pairs, finding the labels from a prefix, a file or a folder', async () => {
    const dir = tempDir();
    writeFile(join(dir, 'train-images-idx3-ubyte.gz'), gzipSync(idxImages(3, 4, 5)));
    writeFile(join(dir, 'train-labels-idx1-ubyte.gz'), gzipSync(idxLabels([1, 0, 2])));
    writeFile(join(dir, 't10k-images.idx3-ubyte'), idxImages(2, 2, 2));
    writeFile(join(dir, 't10k-labels.idx1-ubyte'), idxLabels([0, 1]));
    const pair = {
      images: join(dir, 'train-images-idx3-ubyte.gz'),
      labels: join(dir, 'train-labels-idx1-ubyte.gz'),
    };
    expect(findIdxFiles(join(dir, 'train'))).toEqual(pair);
    expect(findIdxFiles(pair.images)).toEqual(pair);
    expect(findIdxFiles(pair.labels)).toEqual(pair);
    expect(findIdxFiles(dir)).toEqual(pair);
    expect(findIdxFiles(join(dir, 't10k'))).toEqual({
      images: join(dir, 't10k-images.idx3-ubyte'),
      labels: join(dir, 't10k-labels.idx1-ubyte'),
    });
    const s = await listIdxSource(pair.images, pair.labels);
    expect(s.entries).toEqual([
      { path: 'idx:0', label: 1 },
      { path: 'idx:1', label: 0 },
      { path: 'idx:2', label: 2 },
    ]);
    expect(s.images).toMatchObject({ count: 3, width: 5, height: 4 });
    expect(s.images.data[21]).toBe((21 * 7) & 255);
  });

  it('refuses bad magic, truncated files, extra bytes and count mismatches', async () => {
    const dir = tempDir();
    const labels = join(dir, 'l');
    writeFile(labels, idxLabels([0, 1, 0]));
    const images = join(dir, 'i');
    writeFile(images, idxImages(3, 4, 4, 5));
    await expect(listIdxSource(images, labels)).rejects.toThrow(
      /is truncated: its header says 3×4×4 = 48 bytes of data, only 43/,
    );
    writeFile(images, gzipSync(idxImages(3, 4, 4)).subarray(0, 20));
    await expect(listIdxSource(images, labels)).rejects.toThrow(/truncated or corrupt gzip/);
    writeFile(images, Buffer.concat([idxImages(3, 4, 4), Buffer.from([1, 2])]));
    await expect(listIdxSource(images, labels)).rejects.toThrow(/has 2 bytes after the 3×4×4 data/);
    writeFile(images, idxLabels([0, 1, 0]));
    await expect(listIdxSource(images, labels)).rejects.toThrow(
      /not an IDX image file: magic 0x00000801, expected 0x00000803/,
    );
    writeFile(images, idxImages(2, 4, 4));
    await expect(listIdxSource(images, labels)).rejects.toThrow(/has 3 labels but .* has 2 images/);
  });

  it('reads the real Fashion-MNIST test set when installed', async (ctx) => {
    const pair = findIdxFiles('/usr/share/datasets/fashion-mnist/t10k');
    if (!pair) return ctx.skip();
    const s = await listIdxSource(pair.images, pair.labels);
    expect(s.entries).toHaveLength(10_000);
    expect(s.classes).toHaveLength(10);
    expect(s.images).toMatchObject({ width: 28, height: 28 });
  });
});

describe('detectSource', () => {
  it('recognises each layout', async () => {
    const dir = tempDir();
    await seedDataset(join(dir, 'seed'), [0, 1]);
    expect(await detectSource(join(dir, 'seed'))).toEqual({
      kind: 'seed',
      images: join(dir, 'seed', 'train_img'),
      labels: join(dir, 'seed', 'label_train.txt'),
    });
    expect(await detectSource(join(dir, 'seed', 'train_img'))).toEqual(await detectSource(join(dir, 'seed')));
    writeFile(join(dir, 'other.txt'), '1\n0\n');
    expect(
      await detectSource(join(dir, 'seed', 'train_img'), { labels: join(dir, 'other.txt') }),
    ).toMatchObject({
      kind: 'seed',
      labels: join(dir, 'other.txt'),
    });
    writeFile(join(dir, 'folders', 'a', 'x.jpg'), await jpeg(1));
    expect(await detectSource(join(dir, 'folders'))).toEqual({
      kind: 'imagefolder',
      root: join(dir, 'folders'),
    });
    writeFile(join(dir, 'list.CSV'), 'path,label\n');
    expect(await detectSource(join(dir, 'list.CSV'))).toEqual({ kind: 'csv', csv: join(dir, 'list.CSV') });
    writeFile(join(dir, 'idx', 'train-images-idx3-ubyte'), idxImages(2, 2, 2));
    writeFile(join(dir, 'idx', 'train-labels-idx1-ubyte'), idxLabels([0, 1]));
    expect(await detectSource(join(dir, 'idx', 'train'))).toMatchObject({ kind: 'idx' });
    expect((await listSource(await detectSource(join(dir, 'idx')))).entries).toHaveLength(2);
  });

  it('explains what is missing', async () => {
    const dir = tempDir();
    writeFile(join(dir, 'loose', 'x.jpg'), await jpeg(1));
    await expect(detectSource(join(dir, 'loose'))).rejects.toThrow(
      /holds images but no label_train\.txt: pass --labels/,
    );
    mkdirSync(join(dir, 'nothing'));
    await expect(detectSource(join(dir, 'nothing'))).rejects.toThrow(/holds neither images/);
    await expect(detectSource(join(dir, 'missing'))).rejects.toThrow(
      /cannot read dataset .*missing: expected an image folder/,
    );
  });
});
