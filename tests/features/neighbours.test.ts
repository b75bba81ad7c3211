import { describe, expect, it } from 'vitest';
import { decodeFloat16, encodeFloat16 } from '../../src-main/core/features/float16';
import { EmbeddingMatrix } from '../../src-main/core/features/linalg';
import { cosineIndex, nearest } from '../../src-main/core/features/nearest';
import { createService } from '../../src-main/core/service';
import { mulberry32 } from '../../src-main/core/random/seeded';
import { makeProject } from '../helpers/project-fixture';
import { tempDir } from '../helpers/tmp';

const DIM = 20; // not a multiple of 8: rows are padded to the kernels' stride

function randomRows(n: number, seed: number): Uint16Array {
  const rng = mulberry32(seed);
  return encodeFloat16(Float32Array.from({ length: n * DIM }, () => Math.max(0, rng() * 4 - 1)));
}

/** Cosine similarities of row q with every row, by the definition, in float64. */
function bruteForce(rows: Float32Array, n: number, q: number): { i: number; sim: number }[] {
  const norm = (i: number) => Math.hypot(...rows.subarray(i * DIM, (i + 1) * DIM));
  const out: { i: number; sim: number }[] = [];
  for (let i = 0; i < n; i++) {
    if (i === q || norm(i) === 0) continue;
    let dot = 0;
    for (let d = 0; d < DIM; d++) dot += rows[q * DIM + d] * rows[i * DIM + d];
    out.push({ i, sim: dot / (norm(i) * norm(q)) });
  }
  return out.sort((a, b) => b.sim - a.sim || a.i - b.i);
}

describe('nearest neighbours by cosine similarity', () => {
  it('match a brute-force search, the image itself and all-zero rows left out', () => {
    const n = 300;
    const bits = randomRows(n, 1);
    bits.fill(0, 17 * DIM, 18 * DIM); // row 17: all zeros, similar to nothing
    const m = EmbeddingMatrix.create(n, DIM, (rows, stride) => {
      for (let i = 0; i < n; i++) rows.set(bits.subarray(i * DIM, (i + 1) * DIM), i * stride);
    });
    const values = decodeFloat16(bits);
    const ix = cosineIndex(m);
    for (const q of [0, 5, 123, 299]) {
      const got = nearest(ix, q, 6);
      const want = bruteForce(values, n, q).slice(0, 6);
      expect(got.indices).toEqual(want.map((w) => w.i));
      got.similarities.forEach((s, j) => expect(s).toBeCloseTo(want[j].sim, 10));
      expect(got.indices).not.toContain(q);
      expect(got.indices).not.toContain(17);
    }
    expect(nearest(ix, 17, 6)).toEqual({ indices: [], similarities: [] });
  });

  it('the neighbours call answers with the given labels and decisions, or says embeddings are missing', async () => {
    const dir = tempDir();
    const labels = Array.from({ length: 60 }, (_, i) => i % 3);
    const project = makeProject(dir, labels);
    const path = project.path;
    const service = createService({ projectPath: path, annotator: 'tester' });
    try {
      const none = await service.neighbours({ sampleIndex: 0 });
      expect(none.status).toBe('unavailable');
      expect(none.message).toMatch(/--model pretrained/);

      const bits = randomRows(60, 2);
      const gen = project.datasetGeneration;
      project.embeddings.saveChunk(gen, 'abc:net/Conv_1/Relu6:96x96', 0, DIM, bits.subarray(0, 32 * DIM));
      project.embeddings.saveChunk(gen, 'abc:net/Conv_1/Relu6:96x96', 32, DIM, bits.subarray(32 * DIM));
      await service.decide({
        sampleIndices: [bruteForce(decodeFloat16(bits), 60, 4)[0].i],
        action: 'exclude',
      });

      const r = await service.neighbours({ sampleIndex: 4 });
      const want = bruteForce(decodeFloat16(bits), 60, 4).slice(0, 6);
      expect(r.status).toBe('ok');
      expect(r.backbone).toBe('net/Conv_1/Relu6, 96×96 px');
      expect(r.neighbours.map((x) => x.index)).toEqual(want.map((w) => w.i));
      expect(r.neighbours.map((x) => x.givenLabel)).toEqual(want.map((w) => labels[w.i]));
      expect(r.neighbours[0].decision?.action).toBe('exclude');
      expect(r.neighbours[1].decision).toBeNull();
      expect(r.neighbours[0].path).toBe(`img${want[0].i}.png`);

      // While one query runs only the newest waiting one is answered; the one it replaced says so.
      const burst = await Promise.all([1, 2, 3].map((i) => service.neighbours({ sampleIndex: i, count: 3 })));
      expect(burst.map((b) => b.status)).toEqual(['ok', 'superseded', 'ok']);
      expect(burst[2].neighbours).toHaveLength(3);
      await expect(service.neighbours({ sampleIndex: 60 })).rejects.toThrow(/image index 60 does not exist/);
    } finally {
      await service.close();
      project.close();
    }
  }, 60_000);
});
