import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import {
  BadImageError,
  convertChannels,
  decodeImage,
  normalizeImage,
} from '../../src-main/core/dataset/decode';
import { encodePngSync } from '../../src-main/core/dataset/png-encode';
import { makeThumbnail } from '../../src-main/core/dataset/thumbnail';
import { jpeg } from './helpers';

const rawImage = (w: number, h: number, c: 1 | 2 | 3 | 4, f: (x: number, y: number, k: number) => number) => {
  const data = Buffer.alloc(w * h * c);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) for (let k = 0; k < c; k++) data[(y * w + x) * c + k] = f(x, y, k);
  return sharp(data, { raw: { width: w, height: h, channels: c } });
};

/** A PNG whose header claims `w`×`h` pixels while holding almost no data. */
function pngHeaderOnly(w: number, h: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    out.write(type, 4, 'latin1');
    data.copy(out, 8);
    out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.alloc(100))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('normalizeImage', () => {
  it('stretches to exactly width×height×channels bytes and reports the original size', async () => {
    const png = await rawImage(30, 10, 3, (x) => (x < 15 ? 0 : 255))
      .png()
      .toBuffer();
    const r = await normalizeImage(png, { width: 12, height: 12, channels: 3 });
    expect(r.pixels).toBeInstanceOf(Uint8Array);
    expect(r.pixels.length).toBe(12 * 12 * 3);
    expect([r.origWidth, r.origHeight]).toEqual([30, 10]);
    // fit: 'fill' keeps the left half dark and the right half bright on every row.
    expect(r.pixels[0]).toBeLessThan(30);
    expect(r.pixels[(11 * 12 + 11) * 3]).toBeGreaterThan(225);
  });

  it('flattens transparency onto white', async () => {
    const png = await rawImage(8, 8, 4, (x, _y, k) => (k === 3 ? (x < 4 ? 0 : 255) : 0))
      .png()
      .toBuffer();
    const { pixels } = await normalizeImage(png, { width: 8, height: 8, channels: 3 });
    expect([...pixels.subarray(0, 3)]).toEqual([255, 255, 255]);
    expect([...pixels.subarray(7 * 3, 8 * 3)]).toEqual([0, 0, 0]);
  });

  it('replicates gray to RGB and reduces RGB to one channel', async () => {
    const gray = await rawImage(8, 8, 1, (x) => x * 30)
      .toColourspace('b-w')
      .png()
      .toBuffer();
    const rgb = await normalizeImage(gray, { width: 8, height: 8, channels: 3 });
    for (let i = 0; i < 64; i++) {
      expect(rgb.pixels[3 * i]).toBe(rgb.pixels[3 * i + 1]);
      expect(rgb.pixels[3 * i]).toBe(rgb.pixels[3 * i + 2]);
    }
    const red = await rawImage(4, 4, 3, (_x, _y, k) => (k === 0 ? 200 : 0))
      .png()
      .toBuffer();
    const one = await normalizeImage(red, { width: 4, height: 4, channels: 1 });
    expect(one.pixels.length).toBe(16);
    expect(one.pixels[0]).toBe(Math.round(0.299 * 200));
    expect(convertChannels(new Uint8Array([10, 20, 30, 40]), 1, 3)).toEqual(
      new Uint8Array([10, 10, 10, 20, 20, 20, 30, 30, 30, 40, 40, 40]),
    );
  });

  it('reads 16-bit PNGs as 8-bit', async () => {
    const png16 = await rawImage(4, 4, 3, () => 200)
      .toColourspace('rgb16')
      .png()
      .toBuffer();
    const { pixels } = await normalizeImage(png16, { width: 4, height: 4, channels: 3 });
    expect(pixels[0]).toBe(200);
  });

  it('refuses decompression bombs before decoding them', async () => {
    const bomb = pngHeaderOnly(10_000, 10_000);
    await expect(normalizeImage(bomb, { width: 8, height: 8, channels: 3 })).rejects.toThrow(
      /larger than 50 megapixels \(decompression-bomb guard\)/,
    );
  });

  it('reports truncated, corrupt, non-image and empty files as BadImageError', async () => {
    const good = await jpeg(3, 32);
    const target = { width: 8, height: 8, channels: 3 as const };
    await expect(normalizeImage(good.subarray(0, good.length - 40), target)).rejects.toThrow(
      /corrupt or truncated/,
    );
    await expect(normalizeImage(Buffer.from('hello, I am text'), target)).rejects.toThrow(/not an image/);
    await expect(normalizeImage(Buffer.alloc(0), target)).rejects.toThrow(BadImageError);
  });
});

describe('pure-JS JPEG fast path', () => {
  const fixtures = join(__dirname, 'fixtures');
  const reference = async (bytes: Buffer) =>
    sharp(bytes).autoOrient().raw().toBuffer({ resolveWithObject: true });

  it('decodes the fixture variants exactly like libvips, or declines them', async () => {
    const { decodeBaselineJpeg } = await import('../../src-main/core/dataset/jpeg-baseline');
    const declined = ['exif-orientation-6.jpg', 'progressive.jpg', 'subsample-440.jpg'];
    const files = readdirSync(fixtures).filter((f) => f.endsWith('.jpg'));
    expect(files.length).toBeGreaterThanOrEqual(9);
    for (const f of files) {
      const bytes = readFileSync(join(fixtures, f));
      const fast = decodeBaselineJpeg(bytes);
      if (declined.includes(f)) {
        expect(fast, f).toBeNull();
        continue;
      }
      expect(fast, f).not.toBeNull();
      const ref = await reference(bytes);
      const expected = fast!.channels === 1 ? ref.data.filter((_, i) => i % 3 === 0) : ref.data;
      expect([fast!.width, fast!.height], f).toEqual([ref.info.width, ref.info.height]);
      expect(Buffer.compare(Buffer.from(fast!.data), expected), f).toBe(0);
    }
  });

  it('matches libvips on sharp-encoded JPEGs of many sizes, qualities and subsamplings', async () => {
    const { decodeBaselineJpeg } = await import('../../src-main/core/dataset/jpeg-baseline');
    for (const [w, h] of [
      [64, 64],
      [37, 23],
      [9, 17],
      [100, 5],
    ]) {
      for (const quality of [15, 75, 100]) {
        for (const mode of ['4:2:0', '4:4:4', 'gray'] as const) {
          let img = rawImage(
            w,
            h,
            3,
            (x, y, k) => (128 + 100 * Math.sin((x + 7 * k) / 3) * Math.cos(y / 4)) | 0,
          );
          if (mode === 'gray') img = img.toColourspace('b-w');
          const bytes = await img
            .jpeg({ quality, chromaSubsampling: mode === '4:4:4' ? '4:4:4' : '4:2:0' })
            .toBuffer();
          const fast = decodeBaselineJpeg(bytes);
          const label = `${w}x${h} q${quality} ${mode}`;
          expect(fast, label).not.toBeNull();
          const ref = await reference(bytes);
          const expected = fast!.channels === 1 ? ref.data.filter((_, i) => i % 3 === 0) : ref.data;
          expect(Buffer.compare(Buffer.from(fast!.data), expected), label).toBe(0);
        }
      }
    }
  });

  it('gives decodeImage the same pixels whichever path decodes', async () => {
    for (const f of readdirSync(join(__dirname, 'fixtures')).filter((n) => n.endsWith('.jpg'))) {
      const bytes = readFileSync(join(__dirname, 'fixtures', f));
      for (const channels of [1, 3] as const) {
        const a = await decodeImage(bytes, { maxSide: 128, channels });
        const b = await decodeImage(bytes, { maxSide: 128, channels, jsFastPath: false });
        expect([a.width, a.height, a.origWidth, a.origHeight], f).toEqual([
          b.width,
          b.height,
          b.origWidth,
          b.origHeight,
        ]);
        expect(Buffer.compare(Buffer.from(a.data), Buffer.from(b.data)), `${f} C=${channels}`).toBe(0);
      }
    }
  });

  it('leaves images above maxSide to libvips, which shrinks them on load', async () => {
    const { decodeBaselineJpeg } = await import('../../src-main/core/dataset/jpeg-baseline');
    const big = await rawImage(300, 200, 3, (x, y) => (x * y) & 255)
      .jpeg()
      .toBuffer();
    expect(decodeBaselineJpeg(big, 128)).toBeNull();
    expect(decodeBaselineJpeg(big)).toMatchObject({ width: 300, height: 200, channels: 3 });
  });

  it('declines truncated data so that sharp reports it', async () => {
    const { decodeBaselineJpeg } = await import('../../src-main/core/dataset/jpeg-baseline');
    const good = await jpeg(5, 32);
    for (const cut of [10, 200, good.length - 30, good.length - 2]) {
      expect(decodeBaselineJpeg(good.subarray(0, cut)), `cut ${cut}`).toBeNull();
    }
  });
});

describe('thumbnails and PNG encoding', () => {
  it('reuses small browser-safe originals and shrinks the rest to WebP ≤ 128 px', async () => {
    const small = await jpeg(1, 64);
    const raw = await decodeImage(small, { maxSide: 128, channels: 3 });
    const t = await makeThumbnail(raw, small);
    expect(t.mime).toBe('image/jpeg');
    expect(Buffer.compare(Buffer.from(t.data), small)).toBe(0);

    const big = await rawImage(300, 200, 3, (x, y) => (x ^ y) & 255)
      .jpeg()
      .toBuffer();
    const bigRaw = await decodeImage(big, { maxSide: 128, channels: 3 });
    expect([bigRaw.origWidth, bigRaw.origHeight]).toEqual([300, 200]);
    const bt = await makeThumbnail(bigRaw, big);
    expect(bt.mime).toBe('image/webp');
    const meta = await sharp(bt.data).metadata();
    expect([meta.width, meta.height]).toEqual([128, 85]);

    const tiff = await rawImage(20, 20, 3, () => 90)
      .tiff()
      .toBuffer();
    const tt = await makeThumbnail(await decodeImage(tiff, { maxSide: 128, channels: 3 }), tiff);
    expect(tt.mime).toBe('image/webp');
  });

  it('writes PNGs that decode back to the same pixels', async () => {
    for (const channels of [1, 3] as const) {
      const px = new Uint8Array(7 * 5 * channels).map((_, i) => (i * 37) & 255);
      const png = encodePngSync(px, 7, 5, channels);
      expect((await sharp(png).metadata()).channels).toBe(channels);
      const back = await sharp(png).raw().toBuffer(); // sharp hands out sRGB
      const got = channels === 1 ? back.filter((_, i) => i % 3 === 0) : back;
      expect(Buffer.compare(got, Buffer.from(px))).toBe(0);
    }
  });
});
