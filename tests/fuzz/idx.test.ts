import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseIdx, readIdxFile } from '../../src-main/core/dataset/idx-file';
import { listIdxSource } from '../../src-main/core/dataset/source-idx';
import { scratchDir } from '../durability/scratch';
import {
  check,
  concat,
  describeStats,
  fuzz,
  int,
  mulberry32,
  mutateMany,
  pickOne,
  randomBytes,
  writeCaseFile,
  type Rng,
} from './fuzz-kit';

const CASES = 10_000;

function idx(dims: number[], data: Uint8Array): Uint8Array {
  const header = new Uint8Array(4 + 4 * dims.length);
  const view = new DataView(header.buffer);
  view.setUint32(0, 0x0800 | dims.length);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d));
  return concat(header, data);
}

/** A valid IDX images (3 dims) or labels (1 dim) file of a few small images. */
function validIdx(rng: Rng, dims: 1 | 3): Uint8Array {
  const n = int(rng, 1, 6);
  const shape = dims === 1 ? [n] : [n, int(rng, 1, 8), int(rng, 1, 8)];
  return idx(
    shape,
    randomBytes(
      rng,
      shape.reduce((a, b) => a * b, 1),
    ),
  );
}

/** A header announcing absurd sizes (up to 2^32 per dimension) over a short body. */
function hugeHeader(rng: Rng, dims: 1 | 3): Uint8Array {
  const pick = () => pickOne(rng, [0xffffffff, 0x7fffffff, 60_000, 1 << 16, 0, 1]);
  return idx(dims === 1 ? [pick()] : [pick(), pick(), pick()], randomBytes(rng, int(rng, 0, 64)));
}

/** gzip members concatenated: a valid gzip stream of `mb` MiB of zeros, about 1 KiB per MiB on disk. */
function gzipBomb(header: Uint8Array, mb: number): Uint8Array {
  const member = gzipSync(Buffer.alloc(1 << 20));
  return concat(gzipSync(header), ...Array.from({ length: mb }, () => member));
}

describe('fuzz: IDX (MNIST format) parser', () => {
  it(`parses or clearly refuses ${CASES} malformed, truncated, huge-header and gzip-bomb IDX files`, async () => {
    const dir = scratchDir();
    const file = join(dir, 'train-images-idx3-ubyte');
    const rng = mulberry32(0x1d8001);
    const stats = await fuzz(
      CASES,
      (i) => {
        const dims = rng() < 0.6 ? 3 : 1;
        const kind = pickOne(rng, [
          'valid',
          'mutated',
          'mutated',
          'mutated',
          'huge',
          'random',
          'gzip',
          'gzip-mutated',
        ]);
        let bytes: Uint8Array;
        if (kind === 'valid') bytes = validIdx(rng, dims);
        else if (kind === 'mutated') bytes = mutateMany(rng, validIdx(rng, dims));
        else if (kind === 'huge') bytes = hugeHeader(rng, dims);
        else if (kind === 'random') bytes = randomBytes(rng, int(rng, 0, 100));
        else if (kind === 'gzip') bytes = gzipSync(mutateMany(rng, validIdx(rng, dims)));
        else bytes = mutateMany(rng, gzipSync(validIdx(rng, dims)));
        const viaFile = kind.startsWith('gzip') || rng() < 0.1;
        return {
          label: `case ${i} (${kind}, ${dims}-d, ${bytes.length} bytes${viaFile ? ', file' : ''})`,
          run: async () => {
            let parsed;
            if (viaFile) {
              writeCaseFile(file, bytes);
              parsed = await readIdxFile(file, dims);
            } else parsed = parseIdx(bytes, file, dims);
            check(parsed.dims.length === dims, 'wrong rank');
            check(
              parsed.data.length === parsed.dims.reduce((a, b) => a * b, 1),
              'data does not match the header',
            );
          },
        };
      },
      (e, label) =>
        check(e.message.includes(file), `${label}: the error does not name the file: ${e.message}`),
    );
    expect(stats.accepted).toBeGreaterThan(CASES / 10);
    console.log(describeStats('IDX parser (parseIdx / readIdxFile)', stats));

    // A 64 KiB .gz that inflates to 64 MiB behind a header announcing 2 labels: refused with a clear error.
    const bomb = gzipBomb(idx([2], new Uint8Array(2)), 64);
    writeCaseFile(file, bomb);
    await expect(readIdxFile(file, 1)).rejects.toThrow(
      `${file} inflates to more data than its IDX header announces (10 bytes); refusing it`,
    );
  });

  // readIdxFile inflates no further than the header announces: a 1 MiB bomb costs neither 1 GiB nor seconds.
  it('refuses an IDX .gz that inflates far beyond what its header announces (1 MiB → 1 GiB) within 1 s', async () => {
    const file = join(scratchDir(), 'train-labels-idx1-ubyte.gz');
    writeCaseFile(file, gzipBomb(idx([2], new Uint8Array(2)), 1024));
    const t0 = performance.now();
    await expect(readIdxFile(file, 1)).rejects.toThrow(file);
    const ms = performance.now() - t0;
    console.log(`[fuzz] IDX gzip bomb (1 MiB → 1 GiB): refused after ${ms.toFixed(0)} ms`);
    expect(ms).toBeLessThan(1000);
  });

  it('an IDX images/labels pair that does not match is refused clearly (1,000 pairs)', async () => {
    const dir = scratchDir();
    const images = join(dir, 'train-images-idx3-ubyte');
    const labels = join(dir, 'train-labels-idx1-ubyte');
    const rng = mulberry32(0x1d8002);
    const stats = await fuzz(
      1000,
      (i) => {
        const n = int(rng, 0, 5);
        const h = int(rng, 0, 4);
        const w = int(rng, 0, 4);
        const m = rng() < 0.5 ? n : int(rng, 0, 5);
        const lab = randomBytes(rng, m).map((x) => (rng() < 0.3 ? 7 : x % 10));
        return {
          label: `pair ${i} (${n}×${h}×${w} images, ${m} labels)`,
          run: async () => {
            writeCaseFile(images, idx([n, h, w], new Uint8Array(n * h * w)));
            writeCaseFile(labels, idx([m], lab));
            const listing = await listIdxSource(images, labels);
            check(listing.entries.length === n && n > 0 && h > 0 && w > 0, 'accepted an unusable pair');
            check(listing.classes.length >= 2, 'fewer than 2 classes');
          },
        };
      },
      (e, label) =>
        check(e.message.includes(dir), `${label}: the error does not name the file: ${e.message}`),
    );
    console.log(describeStats('IDX pairs (listIdxSource)', stats));
  });
});
