import { fork, type ChildProcess, type Serializable } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BackendName, EpochPoint, TrainConfig } from '../../../src-shared/domain';
import { writePixelFile } from './pixel-source';
import { decodeFloat32, encodeArray, type ChildMessage, type ParentMessage } from './protocol';
import type { SerializedModel } from './model-weights';
import { AbortError } from './trainer';
import { workerEntryFor } from './worker-entry';
import type { TrainingData } from './types';

/** One model to train in a worker: fit on trainIndices, return probabilities of predictIndices. */
export interface ModelJob {
  fold: number | null;
  seed: number;
  trainIndices: Int32Array;
  trainLabels: Int32Array;
  predictIndices: Int32Array;
}

export interface ModelJobResult {
  probs: Float32Array;
  curve: EpochPoint[];
  bestEpoch: number;
  /** Temperature the probabilities were scaled with (1: not calibrated). */
  temperature: number;
  notes: string[];
  /** CPU time the worker spent on this model. */
  cpuSeconds: number;
  model: SerializedModel;
}

export interface JobProgress {
  epoch: number;
  batch: number;
  batches: number;
  point?: EpochPoint;
}

export interface PoolOptions {
  data: TrainingData;
  config: TrainConfig;
  jobs: ModelJob[];
  onReady?: (backend: BackendName, notes: string[], workers: number) => void;
  onProgress?: (job: ModelJob, p: JobProgress) => void;
  onResult: (job: ModelJob, r: ModelJobResult, backend: BackendName) => void;
  signal?: AbortSignal;
}

const STDERR_TAIL = 4000;

/** How to start fold-worker: from TypeScript source through tsx, or the bundled out/main/fold-worker.js. */
export function workerEntry(): { file: string; execArgv: string[] } {
  return workerEntryFor('fold-worker', import.meta.url);
}

/** One worker process (a child over IPC) with the job it is running; generic over its messages. */
export class Worker<In = ChildMessage, Out extends Serializable = ParentMessage, Job = ModelJob> {
  readonly child: ChildProcess;
  job: Job | null = null;
  ready = false;
  private stderr = '';
  private stopping = false;

  constructor(
    entry: { file: string; execArgv: string[] },
    private readonly onMessage: (w: Worker<In, Out, Job>, m: In) => void,
    private readonly onExit: (w: Worker<In, Out, Job>, why: string) => void,
  ) {
    const env = { ...process.env };
    if (process.versions.electron) env.ELECTRON_RUN_AS_NODE = '1';
    this.child = fork(entry.file, [], {
      execArgv: entry.execArgv,
      env,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const keepTail = (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString()).slice(-STDERR_TAIL);
    };
    this.child.stderr!.on('data', keepTail);
    this.child.stdout!.on('data', keepTail);
    this.child.on('message', (m: In) => this.onMessage(this, m));
    this.child.on('error', (e) => this.onExit(this, `could not start: ${e.message}`));
    this.child.on('exit', (code, signal) => {
      if (this.stopping && (code === 0 || signal)) return;
      const tail = this.stderr.trim() ? `:\n${this.stderr.trim()}` : '';
      this.onExit(this, `exited with ${signal ? `signal ${signal}` : `code ${code}`}${tail}`);
    });
  }

  send(m: Out): void {
    this.child.send(m);
  }

  /** Asks the worker to leave; resolves when the process is gone (killed after `graceMs`). */
  stop(graceMs: number): Promise<void> {
    this.stopping = true;
    const child = this.child;
    if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      if (graceMs === 0) child.kill('SIGKILL');
      else if (child.connected) child.send({ type: 'exit' } satisfies ParentMessage);
      else child.kill('SIGKILL');
    });
  }
}

/**
 * Trains the jobs on a pool of worker processes (config.workers, at most one per job; a single one on a
 * GPU). The images are written once to a temporary file every worker reads. Rejects on the first
 * failing job (with the worker's stderr tail for a crash) or on abort; every child is gone when the
 * returned promise settles.
 */
export async function runModelJobs(o: PoolOptions): Promise<{ backend: BackendName; notes: string[] }> {
  if (o.signal?.aborted) throw new AbortError();
  if (o.jobs.length === 0) throw new Error('no models to train');
  const dir = mkdtempSync(join(tmpdir(), 'relabel-train-'));
  const dataPath = join(dir, 'pixels');
  const { data, config } = o;
  writePixelFile(dataPath, data.pixels, {
    n: data.n,
    height: data.height,
    width: data.width,
    channels: data.channels,
  });
  const entry = workerEntry();
  const queue = [...o.jobs];
  const workers = new Set<Worker>();
  let backend: BackendName | null = null;
  let notes: string[] = [];
  let remaining = o.jobs.length;
  const wanted = Math.max(1, Math.min(config.workers, o.jobs.length));
  let failure: Error | null = null;
  let onAbort = () => {};

  try {
    await new Promise<void>((resolve, reject) => {
      const fail = (e: Error) => {
        if (failure) return;
        failure = e;
        reject(e);
      };
      onAbort = () => fail(new AbortError());
      o.signal?.addEventListener('abort', onAbort, { once: true });

      const startWorker = () => {
        const w = new Worker(entry, onMessage, (worker, why) => {
          const what = worker.job ? `training worker for ${label(worker.job)}` : 'training worker';
          fail(new Error(`${what} ${why}`));
        });
        workers.add(w);
        w.send({ type: 'init', dataPath, numClasses: data.numClasses, config });
      };
      const next = (w: Worker) => {
        const job = queue.shift();
        w.job = job ?? null;
        if (!job) return;
        w.send({
          type: 'job',
          fold: job.fold,
          seed: job.seed,
          trainIndices: encodeArray(job.trainIndices),
          trainLabels: encodeArray(job.trainLabels),
          predictIndices: encodeArray(job.predictIndices),
        });
      };
      function onMessage(w: Worker, m: ChildMessage) {
        if (failure) return;
        try {
          switch (m.type) {
            case 'ready': {
              w.ready = true;
              if (!backend) {
                backend = m.backend;
                notes = m.notes;
                // One TensorFlow process owns a GPU; every other backend scales with processes.
                const size = backend === 'tensorflow-gpu' ? 1 : wanted;
                if (backend === 'tensorflow-gpu' && config.workers > 1)
                  notes.push('GPU backend: training models one at a time');
                o.onReady?.(backend, notes, size);
                for (let i = workers.size; i < size; i++) startWorker();
              }
              next(w);
              break;
            }
            case 'progress':
              if (w.job) o.onProgress?.(w.job, m);
              break;
            case 'result': {
              const job = w.job!;
              o.onResult(
                job,
                {
                  probs: decodeFloat32(m.probs),
                  curve: m.curve,
                  bestEpoch: m.bestEpoch,
                  temperature: m.temperature,
                  notes: m.notes,
                  cpuSeconds: m.cpuSeconds,
                  model: { spec: m.model.spec, weights: decodeFloat32(m.model.weights) },
                },
                backend!,
              );
              if (--remaining === 0) resolve();
              else next(w);
              break;
            }
            case 'error':
              fail(new Error(w.job ? `${label(w.job)}: ${m.message}` : m.message));
              break;
          }
        } catch (e) {
          fail(e as Error);
        }
      }
      // With 'auto' or 'gpu' the first worker tells whether a GPU is in use before more are started.
      const startAll = config.backend === 'wasm' || config.backend === 'cpu' || config.backend === 'node';
      for (let i = 0; i < (startAll ? wanted : 1); i++) startWorker();
    });
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
    const grace = failure ? 0 : 5000;
    await Promise.all([...workers].map((w) => w.stop(grace)));
    rmSync(dir, { recursive: true, force: true });
  }
  return { backend: backend!, notes };
}

const label = (job: ModelJob) => (job.fold === null ? 'the model' : `fold ${job.fold + 1}`);
