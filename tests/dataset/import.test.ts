import { chmodSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { sha1Hex } from '../../src-main/core/dataset/content-hash';
import { normalizeImage } from '../../src-main/core/dataset/decode';
import { importDataset, type ImportPhase } from '../../src-main/core/dataset/import';
import { Project } from '../../src-main/core/store/project';
import { tempDir } from '../helpers/tmp';
import { jpeg, seedDataset, writeFile } from './helpers';

const newProject = (dir: string) => Project.create(join(dir, 'p.relabel'));

describe('importDataset', () => {
  // Concurrency 1 decodes every JPEG in JS; 3 sends two at a time through sharp: same results.
  it.each([1, 3])(
    'round-trips a seed dataset: samples, labels, hashes, pixels and thumbnails (concurrency %i)',
    async (concurrency) => {
      const dir = tempDir();
      const labels = [0, 1, 1, 0, 1, 1, 1];
      const names = await seedDataset(join(dir, 'd'), labels);
      const project = newProject(dir);
      const phases = new Set<ImportPhase>();
      let last = [0, 0];
      const result = await importDataset(project, join(dir, 'd'), {
        onBadImage: 'stop',
        concurrency,
        onProgress: (done, total, phase) => {
          phases.add(phase);
          if (phase === 'decoding') last = [done, total];
        },
      });
      expect(result).toMatchObject({ samples: 7, skipped: [], decisionsKept: 0, decisionsOrphaned: 0 });
      expect(result.dataset).toMatchObject({
        format: 'seed',
        root: join(dir, 'd', 'train_img'),
        labelSource: join(dir, 'd', 'label_train.txt'),
        inputWidth: 16,
        inputHeight: 16,
        channels: 3,
        numSamples: 7,
      });
      expect([...phases]).toEqual(['listing', 'probing', 'decoding', 'saving']);
      expect(last).toEqual([7, 7]);

      const samples = project.getSamples();
      const px = project.readPixels();
      expect(px).toMatchObject({ n: 7, width: 16, height: 16, channels: 3 });
      for (const [i, s] of samples.entries()) {
        const file = readFileSync(join(dir, 'd', 'train_img', names[i]));
        expect(s).toEqual({
          index: i,
          path: names[i],
          hash: sha1Hex(file),
          width: 16,
          height: 16,
          givenLabel: labels[i],
        });
        const expected = await normalizeImage(file, { width: 16, height: 16, channels: 3 });
        expect(
          Buffer.compare(
            Buffer.from(px.pixels.subarray(i * 768, (i + 1) * 768)),
            Buffer.from(expected.pixels),
          ),
        ).toBe(0);
        expect(project.getThumbnail(i)).toEqual({ data: file, mime: 'image/jpeg' });
      }
      expect(Array.from(project.getGivenLabels())).toEqual(labels);
      project.close();
    },
  );

  it('picks 1 channel for grayscale images, 64 px for mixed sizes, and honours explicit settings', async () => {
    const dir = tempDir();
    const img = join(dir, 'g', 'train_img');
    for (let i = 0; i < 4; i++) writeFile(join(img, `${i}.jpg`), await jpeg(i, 20 + i * 10, { gray: true }));
    writeFile(join(dir, 'g', 'label_train.txt'), '0\n1\n0\n1\n');
    const project = newProject(dir);
    const auto = await importDataset(project, join(dir, 'g'), { onBadImage: 'stop' });
    expect(auto.dataset).toMatchObject({ inputWidth: 64, inputHeight: 64, channels: 1 });
    expect(project.readPixels().pixels.length).toBe(4 * 64 * 64);
    expect(project.getSample(3)).toMatchObject({ width: 50, height: 50 });
    const fixed = await importDataset(project, join(dir, 'g'), {
      onBadImage: 'stop',
      inputSize: 24,
      channels: 3,
    });
    expect(fixed.dataset).toMatchObject({ inputWidth: 24, inputHeight: 24, channels: 3 });
    const px = project.readSamplePixels(0)!;
    expect(px.length).toBe(24 * 24 * 3);
    expect(px[0]).toBe(px[1]);
    await expect(
      importDataset(project, join(dir, 'g'), { onBadImage: 'stop', inputSize: 4 }),
    ).rejects.toThrow(/input size must be an integer from 8 to 512/);
    project.close();
  });

  it.each([1, 16])(
    "skips bad images but keeps every index on its label line ('skip', concurrency %i)",
    async (concurrency) => {
      const dir = tempDir();
      const d = join(dir, 'd');
      const labels = [0, 1, 0, 1, 0, 1, 0, 1];
      const names = await seedDataset(d, labels);
      const img = join(d, 'train_img');
      const good = readFileSync(join(img, names[1]));
      writeFileSync(join(img, names[1]), good.subarray(0, good.length - 50)); // truncated
      writeFileSync(join(img, names[3]), 'this is text, not a JPEG'); // not an image
      rmSync(join(img, names[4]));
      mkdirSync(join(img, names[4])); // unreadable: a folder where a file is expected
      writeFile(join(dir, 'outside.jpg'), await jpeg(99));
      rmSync(join(img, names[6]));
      symlinkSync(join(dir, 'outside.jpg'), join(img, names[6])); // leads out of the dataset folder
      const project = newProject(dir);
      const result = await importDataset(project, d, { onBadImage: 'skip', concurrency });
      expect(result.samples).toBe(8);
      expect(result.skipped.map((s) => [s.index, s.path])).toEqual([
        [1, names[1]],
        [3, names[3]],
        [4, names[4]],
        [6, names[6]],
      ]);
      expect(result.skipped[0].reason).toMatch(/corrupt or truncated/);
      expect(result.skipped[1].reason).toMatch(/not an image/);
      expect(result.skipped[2].reason).toMatch(/cannot read: missing, unreadable or not a regular file/);
      expect(result.skipped[3].reason).toMatch(/outside the dataset folder/);
      const samples = project.getSamples();
      expect(samples.map((s) => s.givenLabel)).toEqual(labels);
      expect(samples.map((s) => s.path)).toEqual(names);
      const per = 16 * 16 * 3;
      const { pixels } = project.readPixels();
      for (const i of [1, 3, 4, 6]) {
        expect(samples[i]).toMatchObject({ width: 0, height: 0 });
        expect(pixels.subarray(i * per, (i + 1) * per).every((v) => v === 0)).toBe(true);
        expect(project.getThumbnail(i)!.mime).toBe('image/png');
      }
      expect(samples[1].hash).toBe(sha1Hex(good.subarray(0, good.length - 50)));
      expect(samples[4].hash).toBe('');
      expect(samples[5]).toMatchObject({ width: 16, height: 16 });
      project.close();
    },
  );

  it("stops at the first bad image and keeps the previous dataset ('stop')", async () => {
    const dir = tempDir();
    await seedDataset(join(dir, 'good'), [0, 1, 1]);
    const names = await seedDataset(join(dir, 'bad'), [1, 0, 0, 1]);
    writeFileSync(join(dir, 'bad', 'train_img', names[2]), Buffer.from('GIF89a broken'));
    const project = newProject(dir);
    await importDataset(project, join(dir, 'good'), { onBadImage: 'stop' });
    const before = project.getSamples();
    await expect(importDataset(project, join(dir, 'bad'), { onBadImage: 'stop' })).rejects.toThrow(
      new RegExp(`bad image .*bad/train_img/${names[2]}: .*on-bad-image "skip"`),
    );
    expect(project.getSamples()).toEqual(before);
    expect(project.getDatasetInfo()!.root).toBe(join(dir, 'good', 'train_img'));
    // Nothing of the failed import is left behind in the file.
    const rows = project.db.prepare('SELECT count(*) AS n FROM samples').get() as { n: number };
    expect(rows.n).toBe(3);
    project.close();
  });

  it('reports files that cannot be read because of their permissions', async (ctx) => {
    const dir = tempDir();
    const names = await seedDataset(join(dir, 'd'), [0, 1, 1]);
    const file = join(dir, 'd', 'train_img', names[0]);
    chmodSync(file, 0);
    let readable = true;
    try {
      readFileSync(file);
    } catch {
      readable = false;
    }
    // As root (CI containers) permissions do not stop reads; the folder-as-file case covers unreadability there.
    if (readable) return ctx.skip();
    const project = newProject(dir);
    const r = await importDataset(project, join(dir, 'd'), { onBadImage: 'skip' });
    expect(r.skipped).toEqual([
      { index: 0, path: names[0], reason: 'cannot read: missing, unreadable or not a regular file' },
    ]);
    project.close();
  });

  it('can be cancelled, leaving the previous dataset intact', async () => {
    const dir = tempDir();
    await seedDataset(join(dir, 'a'), [0, 1]);
    await seedDataset(join(dir, 'b'), [0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1]);
    const project = newProject(dir);
    await importDataset(project, join(dir, 'a'), { onBadImage: 'stop' });
    const ac = new AbortController();
    await expect(
      importDataset(project, join(dir, 'b'), {
        onBadImage: 'stop',
        concurrency: 1,
        signal: ac.signal,
        onProgress: (_d, _t, phase) => phase === 'decoding' && ac.abort(),
      }),
    ).rejects.toThrow(/abort/i);
    expect(project.getSamples()).toHaveLength(2);
    const rows = project.db.prepare('SELECT count(*) AS n FROM samples').get() as { n: number };
    expect(rows.n).toBe(2);
    project.close();
  });

  it('keeps decisions on re-import when the paths survive', async () => {
    const dir = tempDir();
    const names = await seedDataset(join(dir, 'd'), [0, 1, 1, 0]);
    const project = newProject(dir);
    await importDataset(project, join(dir, 'd'), { onBadImage: 'stop' });
    const s = project.getSample(2)!;
    project.decisions.record([{ index: 2, path: s.path, givenLabel: s.givenLabel }], 'relabel', 0, 'tester');
    rmSync(join(dir, 'd', 'train_img', names[3]));
    writeFileSync(join(dir, 'd', 'label_train.txt'), '0\n1\n1\n');
    const r = await importDataset(project, join(dir, 'd'), { onBadImage: 'stop' });
    expect(r).toMatchObject({ samples: 3, decisionsKept: 1, decisionsOrphaned: 0 });
    project.close();
  });

  it('imports IDX, CSV and ImageFolder datasets', async () => {
    const dir = tempDir();
    const head = Buffer.alloc(16);
    head.writeUInt32BE(0x803, 0);
    head.writeUInt32BE(3, 4);
    head.writeUInt32BE(6, 8);
    head.writeUInt32BE(5, 12);
    const pixels = Buffer.from(Array.from({ length: 90 }, (_, i) => (i * 11) & 255));
    writeFile(join(dir, 'idx', 'train-images-idx3-ubyte.gz'), gzipSync(Buffer.concat([head, pixels])));
    writeFile(join(dir, 'idx', 'train-labels-idx1-ubyte'), Buffer.from([0, 0, 8, 1, 0, 0, 0, 3, 2, 0, 1]));
    const p1 = Project.create(join(dir, 'idx.relabel'));
    const r1 = await importDataset(p1, join(dir, 'idx', 'train'), { onBadImage: 'stop' });
    expect(r1.dataset).toMatchObject({ format: 'idx', inputWidth: 5, inputHeight: 6, channels: 1 });
    expect(p1.getSample(1)).toEqual({
      index: 1,
      path: 'idx:1',
      hash: sha1Hex(pixels.subarray(30, 60)),
      width: 5,
      height: 6,
      givenLabel: 0,
    });
    expect(Buffer.compare(Buffer.from(p1.readPixels().pixels), pixels)).toBe(0);
    const thumb = p1.getThumbnail(2)!;
    expect(thumb.mime).toBe('image/png');
    expect(
      Buffer.compare(await sharp(thumb.data).extractChannel(0).raw().toBuffer(), pixels.subarray(60)),
    ).toBe(0);
    p1.close();

    writeFile(join(dir, 'csv', 'a', 'x.jpg'), await jpeg(1));
    writeFile(join(dir, 'csv', 'y.jpg'), await jpeg(2));
    writeFile(join(dir, 'csv', 'list.csv'), 'path,label\na/x.jpg,dog\ny.jpg,cat\n');
    const p2 = Project.create(join(dir, 'csv.relabel'));
    const r2 = await importDataset(p2, join(dir, 'csv', 'list.csv'), { onBadImage: 'stop' });
    expect(r2.dataset.format).toBe('csv');
    expect(p2.getClasses()).toEqual([
      { id: 0, name: 'cat' },
      { id: 1, name: 'dog' },
    ]);
    expect(p2.getSamples().map((s) => [s.path, s.givenLabel])).toEqual([
      ['a/x.jpg', 1],
      ['y.jpg', 0],
    ]);
    p2.close();

    writeFile(
      join(dir, 'folders', 'b', '1.png'),
      await sharp(await jpeg(3))
        .png()
        .toBuffer(),
    );
    writeFile(join(dir, 'folders', 'a', '1.jpg'), await jpeg(4));
    const p3 = Project.create(join(dir, 'folders.relabel'));
    const r3 = await importDataset(
      p3,
      { kind: 'imagefolder', root: join(dir, 'folders') },
      { onBadImage: 'stop' },
    );
    expect(r3.dataset).toMatchObject({ format: 'imagefolder', labelSource: null });
    expect(p3.getSamples().map((s) => [s.path, s.givenLabel])).toEqual([
      ['a/1.jpg', 0],
      ['b/1.png', 1],
    ]);
    p3.close();
  });
});
