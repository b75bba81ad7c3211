/**
 * Feature worker process: embeds images with a pretrained backbone, or fits logistic regressions on stored
 * embeddings. Started by the feature pool (one per core); takes one job at a time; exits when the parent
 * disconnects.
 */
import { selectBackend } from '../train/backend';
import { openPixelFile, type PixelSource } from '../train/pixel-source';
import { decodeInt32, encodeArray } from '../train/protocol';
import { Backbone } from './backbone';
import { encodeFloat16 } from './float16';
import type { EmbeddingMatrix } from './linalg';
import { fitAndPredict } from './logistic-cv';
import { loadMatrixFile } from './matrix-file';
import { scanEmbeddings } from './dataset-health';
import { cosineIndex, nearest, type CosineIndex } from './nearest';
import type {
  EmbedJob,
  FeatureChildMessage,
  FeatureInit,
  FeatureParentMessage,
  LogisticJob,
} from './protocol';

/** Images per backbone call: large enough to amortise graph execution, small enough for modest memory. */
const EMBED_BATCH = 32;

type State =
  | { kind: 'embed'; backbone: Backbone; pixels: PixelSource }
  | { kind: 'logistic'; matrix: EmbeddingMatrix }
  | { kind: 'neighbours'; index: CosineIndex };

const send = (m: FeatureChildMessage) => process.send!(m);

async function init(m: FeatureInit): Promise<State> {
  if (m.type === 'init-neighbours') {
    const index = cosineIndex(loadMatrixFile(m.matrixPath));
    send({ type: 'ready', backend: null, notes: [], dim: index.matrix.dim });
    return { kind: 'neighbours', index };
  }
  if (m.type === 'init-logistic') {
    const matrix = loadMatrixFile(m.matrixPath);
    send({ type: 'ready', backend: null, notes: [], dim: matrix.dim });
    return { kind: 'logistic', matrix };
  }
  const selected = await selectBackend(m.backend);
  selected.tf.env().set('PROD', true);
  const backbone = await Backbone.load(selected.tf, m.backbone);
  const pixels = openPixelFile(m.dataPath);
  send({ type: 'ready', backend: selected.name, notes: selected.notes, dim: backbone.dim });
  return { kind: 'embed', backbone, pixels };
}

function embed(s: Extract<State, { kind: 'embed' }>, job: EmbedJob): void {
  const { pixels, backbone } = s;
  const size = pixels.height * pixels.width * pixels.channels;
  const out = new Float32Array(job.count * backbone.dim);
  const batch = new Uint8Array(EMBED_BATCH * size);
  for (let from = 0; from < job.count; from += EMBED_BATCH) {
    const count = Math.min(EMBED_BATCH, job.count - from);
    for (let i = 0; i < count; i++) pixels.read(job.first + from + i, batch, i * size);
    const features = backbone.embed(
      batch.subarray(0, count * size),
      count,
      pixels.height,
      pixels.width,
      pixels.channels,
    );
    for (let i = 0; i < features.length; i++) {
      if (!Number.isFinite(features[i]))
        throw new Error(
          `the backbone gave a non-finite feature for image ${job.first + from + Math.floor(i / backbone.dim)}`,
        );
    }
    out.set(features, from * backbone.dim);
  }
  const half = encodeFloat16(out);
  send({ type: 'embedded', id: job.id, data: Buffer.from(half.buffer).toString('base64') });
}

function fit(s: Extract<State, { kind: 'logistic' }>, job: LogisticJob): void {
  const cpuBefore = process.cpuUsage();
  const r = fitAndPredict(s.matrix, {
    trainIndices: decodeInt32(job.trainIndices),
    trainLabels: decodeInt32(job.trainLabels),
    predictIndices: decodeInt32(job.predictIndices),
    numClasses: job.numClasses,
    seed: job.seed,
    classWeights: job.classWeights,
  });
  const u = process.cpuUsage(cpuBefore);
  send({
    type: 'fitted',
    id: job.id,
    probs: encodeArray(r.probs),
    C: r.C,
    notes: r.notes,
    cpuSeconds: (u.user + u.system) / 1e6,
  });
}

function main(): void {
  if (!process.send) {
    process.stderr.write('feature-worker is started by the feature pool, not directly\n');
    process.exit(2);
  }
  let state: Promise<State> | null = null;
  let queue = Promise.resolve();
  process.on('disconnect', () => process.exit(0));
  process.on('message', (m: FeatureParentMessage) => {
    queue = queue.then(async () => {
      if (m.type === 'exit') {
        process.disconnect();
        return;
      }
      const id =
        m.type === 'embed' || m.type === 'logistic' || m.type === 'neighbours' || m.type === 'health'
          ? m.id
          : null;
      try {
        if (m.type === 'init-embed' || m.type === 'init-logistic' || m.type === 'init-neighbours') {
          state = init(m);
          await state;
          return;
        }
        if (!state) throw new Error('job received before init');
        const s = await state;
        if (m.type === 'embed' && s.kind === 'embed') embed(s, m);
        else if (m.type === 'logistic' && s.kind === 'logistic') fit(s, m);
        else if (m.type === 'neighbours' && s.kind === 'neighbours')
          send({ type: 'nearest', id: m.id, ...nearest(s.index, m.index, m.count) });
        else if (m.type === 'health' && s.kind === 'neighbours') {
          const r = scanEmbeddings(s.index, {
            ...m,
            onProgress: (done, total) => send({ type: 'progress', id: m.id, message: `${done}/${total}` }),
          });
          send({
            type: 'health-scanned',
            id: m.id,
            pairs: r.pairs,
            pairsTruncated: r.pairsTruncated,
            outlierScores: Buffer.from(r.outlierScores.buffer).toString('base64'),
          });
        } else throw new Error(`a ${s.kind} worker cannot run a ${m.type} job`);
      } catch (e) {
        const err = e as Error;
        send({ type: 'error', id, message: err?.message ?? String(e), stack: err?.stack });
      }
    });
  });
}

main();
