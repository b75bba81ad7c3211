import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { featureWorkerEntry } from '../features/feature-pool';
import { Worker } from '../train/pool';
import type { FeatureChildMessage, FeatureJob, FeatureParentMessage } from '../features/protocol';
import type { Project } from '../store/project';
import { writeEmbeddingMatrix } from './embeddings';

type FeatureWorker = Worker<FeatureChildMessage, FeatureParentMessage, FeatureJob>;

export type NearestResult =
  | { status: 'ok'; backbone: string; indices: number[]; similarities: number[] }
  | { status: 'unavailable'; message: string }
  | { status: 'superseded' };

/** A worker that holds the matrix stops after this long without a query (it holds ~360 MB per 100k images). */
const IDLE_MS = 10 * 60 * 1000;

/** "MobilenetV2/Conv_1/Relu6, 96×96 px" from a stored backbone key `<sha>:<node>:<h>x<w>`. */
export function backboneLabelOfKey(key: string): string {
  const [, ...rest] = key.split(':');
  const size = rest.pop() ?? '';
  return `${rest.join(':').split('/').slice(-3).join('/')}, ${size.replace('x', '×')} px`;
}

/**
 * Nearest neighbours by cosine similarity of the stored embeddings, answered by one long-lived worker process
 * that holds the live generation's matrix in memory: a query never blocks the process serving the review,
 * and while one runs only the newest waiting query is kept (an annotator paging fast makes older ones moot).
 */
export class NeighbourFinder {
  private worker: FeatureWorker | null = null;
  private key: string | null = null;
  private ready: Promise<void> | null = null;
  private inFlight: { id: number; resolve: (r: NearestResult) => void; reject: (e: Error) => void } | null =
    null;
  private waiting: {
    index: number;
    count: number;
    resolve: (r: NearestResult) => void;
    reject: (e: Error) => void;
  } | null = null;
  private nextId = 1;
  private idle: NodeJS.Timeout | null = null;

  constructor(private readonly project: Project) {}

  async find(index: number, count: number): Promise<NearestResult> {
    const info = this.project.getDatasetInfo();
    const gen = this.project.datasetGeneration;
    const status = this.project.embeddings.status(gen);
    if (!info || !status || status.rows !== info.numSamples) {
      return {
        status: 'unavailable',
        message:
          'no image embeddings yet: train with the pretrained model (relabel train --model pretrained)',
      };
    }
    const key = `${gen}:${status.backbone}`;
    if (key !== this.key) await this.start(key, status.backbone, status.dim);
    else await this.ready;
    this.touch();
    return new Promise<NearestResult>((resolve, reject) => {
      this.waiting?.resolve({ status: 'superseded' });
      this.waiting = { index, count, resolve, reject };
      this.pump();
    });
  }

  private pump(): void {
    if (this.inFlight || !this.waiting || !this.worker) return;
    const q = this.waiting;
    this.waiting = null;
    const id = this.nextId++;
    this.inFlight = { id, resolve: q.resolve, reject: q.reject };
    this.worker.send({ type: 'neighbours', id, index: q.index, count: q.count });
  }

  private async start(key: string, backbone: string, dim: number): Promise<void> {
    await this.stop();
    this.key = key;
    const dir = mkdtempSync(join(tmpdir(), 'relabel-neighbours-'));
    const matrixPath = join(dir, 'embeddings');
    const n = this.project.getDatasetInfo()!.numSamples;
    this.ready = new Promise<void>((resolve, reject) => {
      try {
        writeEmbeddingMatrix(this.project, { key: backbone, n, dim }, matrixPath);
      } catch (e) {
        rmSync(dir, { recursive: true, force: true });
        reject(e as Error);
        return;
      }
      const entry = featureWorkerEntry();
      const w: FeatureWorker = new Worker(
        entry,
        (_w, m) => this.onMessage(m, resolve, reject, backbone, dir),
        (_w, why) => this.onExit(new Error(`neighbour worker ${why}`), reject, dir),
      );
      this.worker = w;
      w.send({ type: 'init-neighbours', matrixPath });
    });
    try {
      await this.ready;
    } catch (e) {
      this.key = null;
      this.worker = null;
      throw e;
    }
  }

  private onMessage(
    m: FeatureChildMessage,
    ready: () => void,
    failed: (e: Error) => void,
    backbone: string,
    dir: string,
  ): void {
    switch (m.type) {
      case 'ready':
        rmSync(dir, { recursive: true, force: true }); // the worker holds the matrix now
        ready();
        break;
      case 'nearest': {
        const q = this.inFlight;
        if (q?.id !== m.id) return;
        this.inFlight = null;
        q.resolve({
          status: 'ok',
          backbone: backboneLabelOfKey(backbone),
          indices: m.indices,
          similarities: m.similarities,
        });
        this.pump();
        break;
      }
      case 'error': {
        const q = this.inFlight;
        this.inFlight = null;
        if (q) q.reject(new Error(m.message));
        else failed(new Error(m.message));
        this.pump();
        break;
      }
    }
  }

  private onExit(e: Error, failed: (e: Error) => void, dir: string): void {
    rmSync(dir, { recursive: true, force: true });
    failed(e);
    this.inFlight?.reject(e);
    this.waiting?.reject(e);
    this.inFlight = this.waiting = null;
    this.worker = null;
    this.key = null;
  }

  private touch(): void {
    if (this.idle) clearTimeout(this.idle);
    this.idle = setTimeout(() => void this.stop(), IDLE_MS);
    this.idle.unref();
  }

  /** Stops the worker (pending queries are answered 'superseded'). */
  async stop(): Promise<void> {
    if (this.idle) clearTimeout(this.idle);
    this.idle = null;
    const w = this.worker;
    this.worker = null;
    this.key = null;
    this.inFlight?.resolve({ status: 'superseded' });
    this.waiting?.resolve({ status: 'superseded' });
    this.inFlight = this.waiting = null;
    if (w) await w.stop(2000);
  }
}
