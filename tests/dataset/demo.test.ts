import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { faceSvg, type Accessory } from '../../src-main/core/dataset/demo-faces';
import { fashionMnistAvailable } from '../../src-main/core/dataset/demo-fashion';
import { streamFor } from '../../src-main/core/random/seeded';
import { writeDemoDataset } from '../../src-main/core/dataset/demo';
import { listSeedSource } from '../../src-main/core/dataset/source-seed';
import { tempDir } from '../helpers/tmp';

const lines = (file: string) => readFileSync(file, 'utf8').split('\n').filter(Boolean).map(Number);

describe('writeDemoDataset', () => {
  it('writes a seed-format dataset whose noise_truth lists exactly the flipped labels', async () => {
    const dir = tempDir();
    const out = join(dir, 'demo');
    const r = await writeDemoDataset(out, { count: 200, noise: 0.1, seed: 3, source: 'procedural' });
    const files = readdirSync(join(out, 'train_img'));
    expect(files).toHaveLength(200);
    expect(files[0]).toBe('000001.jpg');
    expect(files[199]).toBe('000200.jpg');
    const given = lines(join(out, 'label_train.txt'));
    const flipped = lines(join(out, 'noise_truth.txt'));
    expect(given).toEqual(r.givenLabels);
    expect(flipped).toEqual(r.flipped);
    expect(flipped).toHaveLength(20);
    expect([...flipped].sort((a, b) => a - b)).toEqual(flipped);
    for (let i = 0; i < 200; i++) expect(given[i] !== r.cleanLabels[i]).toBe(flipped.includes(i));
    expect(r.cleanLabels.filter((l) => l === 0)).toHaveLength(26); // round(0.13 × 200)
    expect(readFileSync(join(out, 'README.txt'), 'utf8')).toMatch(
      /class 0 = the face wears a hat, glasses or a beard/,
    );
    const meta = await sharp(join(out, 'train_img', files[5])).metadata();
    expect(meta).toMatchObject({ format: 'jpeg', width: 64, height: 64, channels: 3 });
    // It is what the seed importer reads.
    expect((await listSeedSource(join(out, 'train_img'), join(out, 'label_train.txt'))).entries).toHaveLength(
      200,
    );
  });

  it('is deterministic for a seed and different for another', async () => {
    const dir = tempDir();
    const opts = { count: 30, noise: 0.2, source: 'procedural' as const, size: 32 };
    await writeDemoDataset(join(dir, 'a'), { ...opts, seed: 5 });
    await writeDemoDataset(join(dir, 'b'), { ...opts, seed: 5 });
    await writeDemoDataset(join(dir, 'c'), { ...opts, seed: 6 });
    for (const f of ['label_train.txt', 'noise_truth.txt', 'train_img/000001.jpg', 'train_img/000030.jpg']) {
      expect(readFileSync(join(dir, 'a', f)).equals(readFileSync(join(dir, 'b', f))), f).toBe(true);
    }
    expect(
      readFileSync(join(dir, 'a', 'train_img/000001.jpg')).equals(
        readFileSync(join(dir, 'c', 'train_img/000001.jpg')),
      ),
    ).toBe(false);
    expect((await sharp(join(dir, 'a', 'train_img/000001.jpg')).metadata()).width).toBe(32);
  });

  it('draws every accessory big enough to see at 64 px', async () => {
    const render = async (seed: number, acc: Accessory[]) =>
      sharp(Buffer.from(faceSvg(streamFor(seed, 0), acc, 64)))
        .flatten()
        .raw()
        .toBuffer();
    for (const acc of ['hat', 'glasses', 'beard'] as const) {
      for (let seed = 1; seed <= 12; seed++) {
        const plain = await render(seed, []);
        const dressed = await render(seed, [acc]);
        let changed = 0;
        for (let p = 0; p < plain.length; p += 3) {
          const d =
            Math.abs(plain[p] - dressed[p]) +
            Math.abs(plain[p + 1] - dressed[p + 1]) +
            Math.abs(plain[p + 2] - dressed[p + 2]);
          if (d > 60) changed++;
        }
        expect(changed / (64 * 64), `${acc} seed ${seed}`).toBeGreaterThan(0.015);
      }
    }
  });

  it('refuses a non-empty folder and bad options', async () => {
    const dir = tempDir();
    await writeDemoDataset(join(dir, 'x'), { count: 10, source: 'procedural' });
    await expect(writeDemoDataset(join(dir, 'x'), { count: 10, source: 'procedural' })).rejects.toThrow(
      /is not empty/,
    );
    await expect(writeDemoDataset(join(dir, 'y'), { noise: 1 })).rejects.toThrow(/noise must be/);
    await expect(writeDemoDataset(join(dir, 'y'), { count: 5 })).rejects.toThrow(/count must be/);
    await expect(writeDemoDataset(join(dir, 'y'), { size: 8 })).rejects.toThrow(/size must be/);
    await expect(writeDemoDataset(join(dir, 'y'), { source: 'mnist' as never })).rejects.toThrow(
      /unknown demo source/,
    );
  });

  it('builds the footwear-vs-rest task from Fashion-MNIST when installed', async (ctx) => {
    if (!fashionMnistAvailable()) return ctx.skip();
    const dir = tempDir();
    const r = await writeDemoDataset(join(dir, 'f'), {
      count: 100,
      noise: 0.1,
      seed: 1,
      source: 'fashion-mnist',
    });
    expect(r.source).toBe('fashion-mnist');
    expect(r.cleanLabels.filter((l) => l === 0)).toHaveLength(13);
    expect(r.flipped).toHaveLength(10);
    const meta = await sharp(join(dir, 'f', 'train_img', '000001.jpg')).metadata();
    expect(meta).toMatchObject({ width: 64, height: 64, channels: 1 });
    expect(readFileSync(join(dir, 'f', 'README.txt'), 'utf8')).toMatch(
      /footwear \(Sandal, Sneaker, Ankle boot\)/,
    );
    const auto = await writeDemoDataset(join(dir, 'auto'), { count: 20 });
    expect(auto.source).toBe('fashion-mnist');
  });
});
