/**
 * Entry point of a training worker process (forked by pool.ts; bundled as out/main/fold-worker.js).
 * Loads a tfjs backend once, reads the images from the parent's pixel file, then trains one model per
 * job message and sends back its probabilities. Exits when the parent disconnects.
 */
import type { TrainConfig } from '../../../src-shared/domain';
import { selectBackend, type SelectedBackend } from './backend';
import { openPixelFile, type PixelSource } from './pixel-source';
import {
  decodeInt32,
  encodeArray,
  type ChildMessage,
  type InitMessage,
  type JobMessage,
  type ParentMessage,
} from './protocol';
import { trainModel } from './trainer';

const PROGRESS_INTERVAL_MS = 250;

interface WorkerState {
  backend: SelectedBackend;
  pixels: PixelSource;
  numClasses: number;
  config: TrainConfig;
}

const send = (m: ChildMessage) => process.send!(m);

async function init(m: InitMessage): Promise<WorkerState> {
  const backend = await selectBackend(m.config.backend);
  backend.tf.env().set('PROD', true);
  const pixels = openPixelFile(m.dataPath);
  send({ type: 'ready', backend: backend.name, notes: backend.notes });
  return { backend, pixels, numClasses: m.numClasses, config: m.config };
}

async function runJob(s: WorkerState, m: JobMessage): Promise<void> {
  const cpuBefore = process.cpuUsage();
  let lastSent = 0;
  let lastBatches = 0;
  const r = await trainModel({
    tf: s.backend.tf,
    pixels: s.pixels,
    numClasses: s.numClasses,
    trainIndices: decodeInt32(m.trainIndices),
    trainLabels: decodeInt32(m.trainLabels),
    predictIndices: decodeInt32(m.predictIndices),
    config: s.config,
    seed: m.seed,
    onBatch: (epoch, batch, batches) => {
      lastBatches = batches;
      const now = Date.now();
      if (now - lastSent < PROGRESS_INTERVAL_MS) return;
      lastSent = now;
      send({ type: 'progress', fold: m.fold, epoch, batch, batches });
    },
    onEpoch: (point) => {
      lastSent = Date.now();
      send({
        type: 'progress',
        fold: m.fold,
        epoch: point.epoch,
        batch: lastBatches,
        batches: lastBatches,
        point,
      });
    },
  });
  send({
    type: 'result',
    fold: m.fold,
    probs: encodeArray(r.probs),
    curve: r.curve,
    bestEpoch: r.bestEpoch,
    notes: r.notes,
    cpuSeconds: ((u) => (u.user + u.system) / 1e6)(process.cpuUsage(cpuBefore)),
    model: { spec: r.model.spec, weights: encodeArray(r.model.weights) },
  });
}

function main(): void {
  if (!process.send) {
    process.stderr.write('fold-worker is started by the training pool, not directly\n');
    process.exit(2);
  }
  let state: Promise<WorkerState> | null = null;
  let queue = Promise.resolve();
  process.on('disconnect', () => process.exit(0));
  process.on('message', (m: ParentMessage) => {
    queue = queue.then(async () => {
      if (m.type === 'exit') {
        process.disconnect();
        return;
      }
      let fold: number | null = null;
      try {
        if (m.type === 'init') {
          state = init(m);
          await state;
        } else {
          fold = m.fold;
          if (!state) throw new Error('job received before init');
          await runJob(await state, m);
        }
      } catch (e) {
        const err = e as Error;
        send({ type: 'error', fold, message: err?.message ?? String(e), stack: err?.stack });
      }
    });
  });
}

main();
