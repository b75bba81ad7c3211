import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BackendChoice, BackendName } from '../../../src-shared/domain';
import { inspectBackbone, type BackboneSpec } from '../features/backbone-spec';
import { decodeFloat16 } from '../features/float16';
import { runFeatureJobs } from '../features/feature-pool';
import { writeMatrixFile } from '../features/matrix-file';
import type { EmbedJob } from '../features/protocol';
import type { Project } from '../store/project';

/** Images per stored chunk: the unit of work of an embedding worker and of resuming (a few seconds each). */
export const EMBED_CHUNK = 256;

export interface EmbeddingProgress {
  done: number;
  total: number;
  backend: BackendName | null;
  message: string;
}

export interface EnsureEmbeddingsOptions {
  backbone: BackboneSpec;
  backend: BackendChoice;
  workers: number;
  signal?: AbortSignal;
  onProgress?: (p: EmbeddingProgress) => void;
  /** Images per stored chunk (default EMBED_CHUNK; tests use small ones). */
  chunkSize?: number;
}

export interface Embeddings {
  /** The store key of the backbone (files, node, input size). */
  key: string;
  /** e.g. "mobilenet_v2_140 (MobilenetV2/Conv_1/Relu6, 96 px)". */
  label: string;
  n: number;
  dim: number;
  /** Backend that embedded images in this call; null when every embedding was already stored. */
  backend: BackendName | null;
  /** Images embedded in this call (0: all reused). */
  computed: number;
  notes: string[];
}

/** Writes the live dataset's pixels as the `<base>.u8` + `<base>.json` pair the workers read, row by row. */
function writeProjectPixels(project: Project, base: string): void {
  const info = project.requireDataset();
  const per = info.inputWidth * info.inputHeight * info.channels;
  const fd = openSync(`${base}.u8`, 'w');
  try {
    project.forEachSamplePixels((idx, px) => writeSync(fd, px, 0, px.length, idx * per));
  } finally {
    closeSync(fd);
  }
  const header = {
    n: info.numSamples,
    height: info.inputHeight,
    width: info.inputWidth,
    channels: info.channels,
  };
  writeFileSync(`${base}.json`, JSON.stringify(header));
}

/**
 * Makes sure every image of the live dataset has an embedding by `backbone`, stored in the project: embeds the
 * chunks that are missing (all of them the first time, the rest after an interruption) on worker processes,
 * storing each chunk as it finishes. The backbone's files and node are checked before any worker starts.
 */
export async function ensureEmbeddings(project: Project, o: EnsureEmbeddingsOptions): Promise<Embeddings> {
  const info = project.requireDataset();
  const gen = project.datasetGeneration;
  const n = info.numSamples;
  const { identity } = inspectBackbone(o.backbone);
  const key = identity.key;
  project.embeddings.keepOnly(gen, key);
  const done = project.embeddings.doneChunks(gen, key);
  const jobs: EmbedJob[] = [];
  const chunk = o.chunkSize ?? EMBED_CHUNK;
  for (let first = 0; first < n; first += chunk) {
    const count = Math.min(chunk, n - first);
    if (done.get(first) !== count) jobs.push({ type: 'embed', id: jobs.length, first, count });
  }
  const missing = jobs.reduce((s, j) => s + j.count, 0);
  const notes: string[] = [];
  let backend: BackendName | null = null;
  let embedded = n - missing;
  if (jobs.length > 0) {
    if (embedded > 0) notes.push(`embeddings resumed: ${embedded} of ${n} images were already embedded`);
    const dir = mkdtempSync(join(tmpdir(), 'relabel-embed-'));
    try {
      const dataPath = join(dir, 'pixels');
      writeProjectPixels(project, dataPath);
      const started = Date.now();
      const pool = await runFeatureJobs({
        init: { type: 'init-embed', dataPath, backend: o.backend, backbone: o.backbone },
        jobs,
        workers: o.workers,
        signal: o.signal,
        onReady: (ready, workers) => {
          backend = ready.backend;
          o.onProgress?.({
            done: embedded,
            total: n,
            backend,
            message: `embedding ${missing} images with ${identity.label} on ${backend}, ${workers} worker(s)`,
          });
        },
        onResult: (job, r) => {
          if (r.type !== 'embedded' || job.type !== 'embed') throw new Error('unexpected embedding result');
          const buf = Buffer.from(r.data, 'base64');
          const half = new Uint16Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
          project.embeddings.saveChunk(gen, key, job.first, half.length / job.count, half);
          embedded += job.count;
          const rate = (embedded - (n - missing)) / Math.max(0.001, (Date.now() - started) / 1000);
          o.onProgress?.({
            done: embedded,
            total: n,
            backend,
            message: `embedded ${embedded}/${n} images (${rate.toFixed(1)}/s)`,
          });
        },
      });
      notes.push(...pool.notes);
      notes.push(
        `${missing} images embedded on ${backend} in ${((Date.now() - started) / 1000).toFixed(0)} s`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  } else {
    notes.push(`embeddings of all ${n} images reused from the project`);
  }
  const status = project.embeddings.status(gen);
  if (!status || status.backbone !== key || status.rows !== n)
    throw new Error(`embeddings incomplete: ${status?.rows ?? 0} of ${n} images`);
  return { key, label: identity.label, n, dim: status.dim, backend, computed: missing, notes };
}

/** Writes the stored embeddings of (live generation, key) as the matrix file pair the logistic workers load. */
export function writeEmbeddingMatrix(
  project: Project,
  e: Pick<Embeddings, 'key' | 'n' | 'dim'>,
  base: string,
): void {
  const gen = project.datasetGeneration;
  writeMatrixFile(base, e.n, e.dim, (fn) =>
    project.embeddings.forEachChunk(gen, e.key, (first, rows) => fn(first, rows)),
  );
}

/** The stored embeddings of the live generation as float32 rows (n × dim); for benchmarks and tests. */
export function readEmbeddings(
  project: Project,
  key: string,
): { n: number; dim: number; values: Float32Array } {
  const gen = project.datasetGeneration;
  const status = project.embeddings.status(gen);
  if (!status || status.backbone !== key) throw new Error('no stored embeddings for this backbone');
  const values = new Float32Array(status.rows * status.dim);
  project.embeddings.forEachChunk(gen, key, (first, rows, dim) => decodeFloat16(rows, values, first * dim));
  return { n: status.rows, dim: status.dim, values };
}
