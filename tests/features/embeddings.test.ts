import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Backbone } from '../../src-main/core/features/backbone';
import { defaultBackbone } from '../../src-main/core/features/backbone-spec';

/** The bundled backbone at 64 px (its real default is 128–160 px): small inputs keep the tests quick. */
const fast = () => ({ ...defaultBackbone(), inputSize: 64 });
import { encodeFloat16 } from '../../src-main/core/features/float16';
import { Project } from '../../src-main/core/store/project';
import { selectBackend } from '../../src-main/core/train/backend';
import { ensureEmbeddings } from '../../src-main/core/workflows/embeddings';
import { tempDir } from '../helpers/tmp';

const SIDE = 32;
const N = 40;

/** A project of N 32×32 RGB images with distinct smooth patterns, labels alternating. */
function imagesProject(dir: string, seed = 0): { project: Project; pixels: Uint8Array } {
  const project = Project.create(join(dir, 'e.relabel'));
  const pixels = importImages(project, seed);
  return { project, pixels };
}

function importImages(project: Project, seed: number): Uint8Array {
  const per = SIDE * SIDE * 3;
  const pixels = new Uint8Array(N * per);
  for (let i = 0; i < pixels.length; i++) {
    const img = Math.floor(i / per);
    pixels[i] = Math.round(127.5 + 127.5 * Math.sin((i % per) / (3 + img) + img + seed));
  }
  const w = project.beginImport(
    { format: 'seed', root: '/data', labelSource: null, inputWidth: SIDE, inputHeight: SIDE, channels: 3 },
    [
      { id: 0, name: 'a' },
      { id: 1, name: 'b' },
    ],
  );
  for (let i = 0; i < N; i++) {
    w.add(
      { index: i, path: `img${i}.png`, hash: `h${i}`, width: SIDE, height: SIDE, givenLabel: i % 2 },
      pixels.subarray(i * per, (i + 1) * per),
      { data: new Uint8Array([1]), mime: 'image/png' },
    );
  }
  w.commit();
  return pixels;
}

/** The stored embeddings of the live generation, as float16 bits in sample order. */
function stored(project: Project): Uint16Array {
  const gen = project.datasetGeneration;
  const status = project.embeddings.status(gen)!;
  const out = new Uint16Array(status.rows * status.dim);
  project.embeddings.forEachChunk(gen, status.backbone, (first, rows, dim) => out.set(rows, first * dim));
  return out;
}

const options = { backbone: fast(), backend: 'wasm' as const, workers: 2, chunkSize: 8 };

describe('embeddings stored per dataset generation', () => {
  it('embeds every image on two worker processes, exactly as the backbone does in-process, and reuses them', async () => {
    const { project, pixels } = imagesProject(tempDir());
    try {
      const first = await ensureEmbeddings(project, options);
      expect([first.n, first.dim, first.computed, first.backend]).toEqual([N, 1792, N, 'wasm']);
      const { tf } = await selectBackend('wasm');
      const b = await Backbone.load(tf, fast());
      const expected = encodeFloat16(b.embed(pixels, N, SIDE, SIDE, 3));
      b.dispose();
      expect(Array.from(stored(project))).toEqual(Array.from(expected));
      // float16: 2 bytes per feature.
      expect(project.embeddings.bytes()).toBe(N * 1792 * 2);

      const again = await ensureEmbeddings(project, options);
      expect(again.computed).toBe(0);
      expect(again.notes).toContain(`embeddings of all ${N} images reused from the project`);
    } finally {
      project.close();
    }
  }, 120_000);

  it('resumes an interrupted embedding: only the missing chunks are computed, with the same values', async () => {
    const { project } = imagesProject(tempDir());
    try {
      await ensureEmbeddings(project, options);
      const complete = stored(project);
      // An interruption leaves some chunks unwritten (each chunk is committed as it finishes).
      project.db.prepare(`DELETE FROM embedding_chunks WHERE first_idx IN (8, 32)`).run();
      const resumed = await ensureEmbeddings(project, options);
      expect(resumed.computed).toBe(16);
      expect(resumed.notes[0]).toBe(`embeddings resumed: ${N - 16} of ${N} images were already embedded`);
      expect(Array.from(stored(project))).toEqual(Array.from(complete));
    } finally {
      project.close();
    }
  }, 120_000);

  it('a re-import drops the previous generation’s embeddings in its own transaction', async () => {
    const { project } = imagesProject(tempDir());
    try {
      await ensureEmbeddings(project, options);
      expect(project.embeddings.bytes()).toBeGreaterThan(0);
      importImages(project, 1);
      expect(project.embeddings.status(project.datasetGeneration)).toBeNull();
      expect(project.embeddings.bytes()).toBe(0);
    } finally {
      project.close();
    }
  }, 120_000);

  it('refuses a bad backbone before any worker starts', async () => {
    const { project } = imagesProject(tempDir());
    try {
      await expect(
        ensureEmbeddings(project, { ...options, backbone: { ...fast(), node: 'NoSuchNode' } }),
      ).rejects.toThrow(/backbone node 'NoSuchNode' does not exist/);
      expect(project.embeddings.bytes()).toBe(0);
    } finally {
      project.close();
    }
  });
});
