import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { BadImageError } from '../../src-main/core/dataset/decode';
import { prepareImageFile } from '../../src-main/core/dataset/prepare-sample';
import { repoRoot } from '../durability/child-process';
import { check, describeStats, fuzz, int, mulberry32, mutateMany, pickOne, randomBytes } from './fuzz-kit';

const CASES = 10_000;

function pngChunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** A PNG whose (valid, CRC-checked) header claims w×h pixels over a few bytes of data. */
function pngClaiming(w: number, h: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(Buffer.alloc(64))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A real baseline JPEG with its frame header (SOF0) rewritten to claim w×h. */
function jpegClaiming(base: Buffer, w: number, h: number): Buffer {
  const b = Buffer.from(base);
  const sof = b.indexOf(Buffer.from([0xff, 0xc0]));
  b.writeUInt16BE(h, sof + 5);
  b.writeUInt16BE(w, sof + 7);
  return b;
}

/** A GIF whose logical screen and image descriptor claim w×h. */
function gifClaiming(base: Buffer, w: number, h: number): Buffer {
  const b = Buffer.from(base);
  b.writeUInt16LE(w, 6);
  b.writeUInt16LE(h, 8);
  const desc = b.indexOf(0x2c, 13);
  if (desc > 0) {
    b.writeUInt16LE(w, desc + 5);
    b.writeUInt16LE(h, desc + 7);
  }
  return b;
}

/** A WebP with an extended header (VP8X) claiming a canvas of w×h. */
function webpClaiming(w: number, h: number): Buffer {
  const vp8x = Buffer.alloc(10);
  vp8x.writeUIntLE(w - 1, 4, 3);
  vp8x.writeUIntLE(h - 1, 7, 3);
  const chunk = Buffer.concat([Buffer.from('VP8X'), Buffer.from([10, 0, 0, 0]), vp8x]);
  const size = Buffer.alloc(4);
  size.writeUInt32LE(4 + chunk.length);
  return Buffer.concat([Buffer.from('RIFF'), size, Buffer.from('WEBP'), chunk]);
}

/** A little-endian TIFF header with one IFD claiming w×h, 8-bit RGB, strips pointing past the end. */
function tiffClaiming(w: number, h: number): Buffer {
  const entries: [number, number, number, number][] = [
    [256, 4, 1, w],
    [257, 4, 1, h],
    [258, 3, 1, 8],
    [259, 3, 1, 1],
    [262, 3, 1, 2],
    [273, 4, 1, 4096],
    [277, 3, 1, 3],
    [278, 4, 1, h],
    [279, 4, 1, w * 3 * h],
  ];
  const b = Buffer.alloc(8 + 2 + entries.length * 12 + 4);
  b.write('II', 0, 'latin1');
  b.writeUInt16LE(42, 2);
  b.writeUInt32LE(8, 4);
  b.writeUInt16LE(entries.length, 8);
  entries.forEach(([tag, type, count, value], i) => {
    const o = 10 + i * 12;
    b.writeUInt16LE(tag, o);
    b.writeUInt16LE(type, o + 2);
    b.writeUInt32LE(count, o + 4);
    if (type === 3) b.writeUInt16LE(value, o + 8);
    else b.writeUInt32LE(value >>> 0, o + 8);
  });
  return b;
}

describe('fuzz: image decode (the import path: decode, model pixels, thumbnail)', () => {
  const seeds: { name: string; bytes: Buffer }[] = [];
  const bombs: { name: string; bytes: Buffer }[] = [];

  beforeAll(async () => {
    const raw = Buffer.alloc(16 * 16 * 4);
    for (let i = 0; i < raw.length; i++) raw[i] = (i * 37) & 255;
    const img = (c: 3 | 4 = 3) =>
      sharp(raw.subarray(0, 16 * 16 * c), { raw: { width: 16, height: 16, channels: c } });
    const add = async (name: string, p: Promise<Buffer>) => seeds.push({ name, bytes: await p });
    await add('png rgb', img().png().toBuffer());
    await add('png rgba', img(4).png().toBuffer());
    await add('png gray', img().toColourspace('b-w').png().toBuffer());
    await add('png palette', img().png({ palette: true }).toBuffer());
    await add('png 16-bit', img().toColourspace('rgb16').png().toBuffer());
    await add('jpeg baseline 4:2:0', img().jpeg({ quality: 90 }).toBuffer());
    await add('jpeg baseline 4:4:4', img().jpeg({ quality: 75, chromaSubsampling: '4:4:4' }).toBuffer());
    await add('jpeg gray', img().toColourspace('b-w').jpeg().toBuffer());
    await add('jpeg progressive', img().jpeg({ progressive: true }).toBuffer());
    await add('gif', img().gif().toBuffer());
    await add('webp lossy', img().webp().toBuffer());
    await add('webp lossless', img(4).webp({ lossless: true }).toBuffer());
    await add('tiff', img().tiff().toBuffer());
    const fixtures = join(repoRoot, 'tests', 'dataset', 'fixtures');
    for (const f of readdirSync(fixtures).filter((n) => n.endsWith('.jpg'))) {
      seeds.push({ name: `jpeg fixture ${f}`, bytes: readFileSync(join(fixtures, f)) });
    }
    const jpegBase = seeds.find((s) => s.name === 'jpeg baseline 4:2:0')!.bytes;
    const gifBase = seeds.find((s) => s.name === 'gif')!.bytes;
    bombs.push(
      { name: 'PNG claiming 100000×100000', bytes: pngClaiming(100_000, 100_000) },
      { name: 'PNG claiming 7000×7000 (under the pixel limit)', bytes: pngClaiming(7000, 7000) },
      { name: 'PNG claiming 2^31−1 × 1', bytes: pngClaiming(0x7fffffff, 1) },
      { name: 'JPEG claiming 65535×65535', bytes: jpegClaiming(jpegBase, 65535, 65535) },
      { name: 'JPEG claiming 7000×7000', bytes: jpegClaiming(jpegBase, 7000, 7000) },
      { name: 'JPEG claiming 0×0', bytes: jpegClaiming(jpegBase, 0, 0) },
      { name: 'GIF claiming 65535×65535', bytes: gifClaiming(gifBase, 65535, 65535) },
      { name: 'GIF claiming 7000×7000', bytes: gifClaiming(gifBase, 7000, 7000) },
      { name: 'WebP claiming 16384×16384', bytes: webpClaiming(16384, 16384) },
      { name: 'TIFF claiming 100000×100000', bytes: tiffClaiming(100_000, 100_000) },
      { name: 'TIFF claiming 7000×7000', bytes: tiffClaiming(7000, 7000) },
    );
  });

  it(`decodes or refuses (BadImageError) ${CASES} malformed, truncated, random and bomb images, each in < 1 s`, async () => {
    const rng = mulberry32(0x1a6e01);
    const clear = (e: Error, label: string) =>
      check(e instanceof BadImageError, `${label}: ${e.name} instead of a BadImageError: ${e.message}`);
    const run = (bytes: Uint8Array, channels: 1 | 3, side: number) => async () => {
      const p = await prepareImageFile(bytes, { width: side, height: side, channels });
      check(p.pixels.length === side * side * channels, 'model pixels of the wrong size');
      check(p.thumbnail.data.length > 0 && p.width > 0 && p.height > 0, 'empty thumbnail or size');
    };

    const bombStats = await fuzz(
      bombs.length * 2,
      (i) => {
        const b = bombs[i % bombs.length];
        const bytes = i < bombs.length ? b.bytes : mutateMany(rng, b.bytes, 1);
        return { label: `${b.name}${i < bombs.length ? '' : ', mutated'}`, run: run(bytes, 3, 16) };
      },
      clear,
    );
    console.log(describeStats('image bombs (header claims huge dimensions)', bombStats));

    const stats = await fuzz(
      CASES,
      (i) => {
        const seed = pickOne(rng, seeds);
        const kind = pickOne(rng, [
          'valid',
          'mutated',
          'mutated',
          'mutated',
          'mutated',
          'truncated',
          'random',
        ]);
        const bytes =
          kind === 'valid'
            ? seed.bytes
            : kind === 'mutated'
              ? mutateMany(rng, seed.bytes)
              : kind === 'truncated'
                ? seed.bytes.subarray(0, int(rng, 0, seed.bytes.length - 1))
                : randomBytes(rng, int(rng, 0, 512));
        const channels = rng() < 0.5 ? 1 : 3;
        const side = pickOne(rng, [8, 16, 28, 32]);
        return {
          label: `case ${i} (${kind} ${seed.name}, ${bytes.length} bytes, ${side}px×${channels})`,
          run: run(bytes, channels, side),
        };
      },
      clear,
    );
    expect(stats.accepted).toBeGreaterThan(CASES / 10);
    console.log(describeStats('image decode (prepareImageFile)', stats));
  });
});
