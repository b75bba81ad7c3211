import { fork, type ChildProcess } from 'node:child_process';
import type { BackendChoice } from '../../../src-shared/domain';
import type { SaliencyMethod } from '../../../src-shared/evidence';
import type { SerializedModel } from '../train/model-weights';
import { decodeFloat32, encodeArray } from '../train/protocol';
import { AbortError } from '../train/trainer';
import { workerEntryFor } from '../train/worker-entry';
import type { ExplainChildMessage, ExplainParentMessage } from './explain-protocol';

/** Models kept loaded in the worker (a 5-fold run plus a before/after pair). */
const MAX_LOADED_MODELS = 8;
const STDERR_TAIL = 2000;

export interface ExplainRequest {
  /** Identifies the model (e.g. "run 3 fold 1"); `load` is called only when the worker lacks it. */
  modelKey: string;
  load: () => SerializedModel;
  image: Uint8Array;
  height: number;
  width: number;
  channels: number;
  towards: number;
  against: number;
  method: SaliencyMethod;
  signal?: AbortSignal;
}

export interface ExplainResponse {
  values: Float32Array;
  logOdds: number;
  /** Wall-clock and CPU milliseconds the worker spent on this map. */
  computeMs: number;
  cpuMs: number;
}

interface Pending {
  resolve: (r: ExplainResponse) => void;
  reject: (e: Error) => void;
}

/**
 * Computes saliency maps in one long-lived worker process (started on first use, restarted after a
 * crash), so the main process — and with it the review — never waits for a model. Requests run one at a
 * time in arrival order; an aborted request is cancelled in the worker (a queued one never starts, a
 * running one stops at its next batch) and rejects with an AbortError at once.
 */
export class Explainer {
  private child: ChildProcess | null = null;
  private readonly loaded: string[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private stderr = '';
  private closed = false;
  /** The last 100 messages the worker has been sent, in order (tests look at the cancellations). */
  readonly sent: ExplainParentMessage['type'][] = [];

  constructor(private readonly backend: BackendChoice = 'auto') {}

  explain(r: ExplainRequest): Promise<ExplainResponse> {
    if (this.closed) return Promise.reject(new Error('the explainer is closed'));
    if (r.signal?.aborted) return Promise.reject(new AbortError('explanation cancelled'));
    const child = this.ensureChild();
    if (!this.loaded.includes(r.modelKey)) {
      const model = r.load();
      if (this.loaded.length >= MAX_LOADED_MODELS)
        this.send(child, { type: 'evict', key: this.loaded.shift()! });
      this.send(child, {
        type: 'load',
        key: r.modelKey,
        spec: model.spec,
        weights: encodeArray(model.weights),
      });
      this.loaded.push(r.modelKey);
    } else {
      this.loaded.push(...this.loaded.splice(this.loaded.indexOf(r.modelKey), 1)); // most recently used last
    }
    const id = this.nextId++;
    return new Promise<ExplainResponse>((resolve, reject) => {
      const onAbort = () => {
        if (!this.pending.delete(id)) return;
        if (this.child === child && child.connected) this.send(child, { type: 'cancel', id });
        reject(new AbortError('explanation cancelled'));
        this.holdProcess();
      };
      r.signal?.addEventListener('abort', onAbort, { once: true });
      const done = () => r.signal?.removeEventListener('abort', onAbort);
      this.pending.set(id, {
        resolve: (v) => (done(), resolve(v)),
        reject: (e) => (done(), reject(e)),
      });
      this.holdProcess();
      this.send(child, {
        type: 'explain',
        id,
        key: r.modelKey,
        image: Buffer.from(r.image.buffer, r.image.byteOffset, r.image.byteLength).toString('base64'),
        height: r.height,
        width: r.width,
        channels: r.channels,
        towards: r.towards,
        against: r.against,
        method: r.method,
      });
    });
  }

  /** Stops the worker; pending requests reject. */
  async close(): Promise<void> {
    this.closed = true;
    const child = this.child;
    this.failAll(new Error('the explainer was closed'));
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      if (child.connected) this.send(child, { type: 'exit' });
      else child.kill('SIGKILL');
    });
  }

  private send(child: ChildProcess, m: ExplainParentMessage): void {
    this.sent.push(m.type);
    if (this.sent.length > 100) this.sent.splice(0, this.sent.length - 100);
    child.send(m);
  }

  private ensureChild(): ChildProcess {
    if (this.child) return this.child;
    const entry = workerEntryFor('explain-worker', import.meta.url);
    const env = { ...process.env };
    if (process.versions.electron) env.ELECTRON_RUN_AS_NODE = '1';
    const child = fork(entry.file, [], {
      execArgv: entry.execArgv,
      env,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const keep = (chunk: Buffer) => (this.stderr = (this.stderr + chunk.toString()).slice(-STDERR_TAIL));
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    child.on('message', (m: ExplainChildMessage) => this.onMessage(m));
    child.on('exit', (code, signal) => {
      if (this.child !== child) return;
      this.child = null;
      this.loaded.length = 0;
      if (this.closed) return;
      const tail = this.stderr.trim() ? `:\n${this.stderr.trim()}` : '';
      this.failAll(new Error(`the explain worker exited with ${signal ?? `code ${code}`}${tail}`));
    });
    child.on('error', (e) => this.failAll(new Error(`the explain worker could not start: ${e.message}`)));
    this.child = child;
    this.holdProcess();
    this.send(child, { type: 'init', backend: this.backend });
    return child;
  }

  /** An idle worker must not keep the process alive (the CLI, tests); one with requests in flight must. */
  private holdProcess(): void {
    const child = this.child;
    if (!child) return;
    const channel = child.channel as { ref?: () => void; unref?: () => void } | null | undefined;
    if (this.pending.size > 0) {
      child.ref();
      channel?.ref?.();
    } else {
      child.unref();
      channel?.unref?.();
    }
  }

  private onMessage(m: ExplainChildMessage): void {
    if (m.type === 'ready') return;
    if (m.type === 'error' && m.id === null) {
      // A model failed to load or the backend to start: begin afresh with the next request.
      this.failAll(new Error(m.message));
      this.child?.kill('SIGKILL');
      return;
    }
    const p = m.id === null ? undefined : this.pending.get(m.id);
    if (!p || m.id === null) return; // cancelled meanwhile
    this.pending.delete(m.id);
    this.holdProcess();
    if (m.type === 'result')
      p.resolve({
        values: decodeFloat32(m.values),
        logOdds: m.logOdds,
        computeMs: m.computeMs,
        cpuMs: m.cpuMs,
      });
    else if (m.type === 'cancelled') p.reject(new AbortError('explanation cancelled'));
    else p.reject(new Error(m.message));
  }

  private failAll(e: Error): void {
    const all = [...this.pending.values()];
    this.pending.clear();
    this.holdProcess();
    for (const p of all) p.reject(e);
  }
}
