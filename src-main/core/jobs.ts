import { randomUUID } from 'node:crypto';
import type { JobEvent } from '../../src-shared/api';
import { excerpt } from './quote';

export interface JobHandle {
  readonly id: string;
  readonly signal: AbortSignal;
  update(patch: Partial<Omit<JobEvent, 'jobId' | 'kind'>>): void;
}

/** Finished jobs remembered (for `cancelJob` answers); older ones are forgotten. */
export const KEEP_FINISHED_JOBS = 20;
/** A failed job's error is one line of at most this many characters (a failure may quote a huge input). */
export const MAX_JOB_ERROR_CHARS = 500;

/** One line, control characters escaped, at most `MAX_JOB_ERROR_CHARS`. */
export function boundedError(text: string): string {
  return excerpt(text.replace(/\s*\n\s*/g, ' '), MAX_JOB_ERROR_CHARS);
}

/**
 * Long jobs (import, training) run in the background; each change is pushed as a JobEvent.
 * Updates are throttled so a fast epoch loop does not flood the transports. Memory stays bounded: finished jobs
 * beyond the last `KEEP_FINISHED_JOBS` are dropped and errors are truncated.
 */
export class JobRunner {
  private readonly jobs = new Map<
    string,
    { event: JobEvent; controller: AbortController; lastEmit: number }
  >();

  /** `describeFailure` turns what a job threw into the line its event shows. */
  constructor(
    private readonly emit: (job: JobEvent) => void,
    private readonly describeFailure: (e: unknown) => string = (e) =>
      e instanceof Error ? e.message : String(e),
  ) {}

  start(kind: JobEvent['kind'], work: (job: JobHandle) => Promise<string | void>): string {
    const id = randomUUID().slice(0, 8);
    const controller = new AbortController();
    const started = Date.now();
    const entry = {
      controller,
      lastEmit: 0,
      event: {
        jobId: id,
        kind,
        status: 'running',
        phase: 'starting',
        done: 0,
        total: 0,
        etaSeconds: null,
        message: '',
        runId: null,
        fold: null,
        epoch: null,
        point: null,
        error: null,
        backend: null,
      } as JobEvent,
    };
    this.jobs.set(id, entry);
    const handle: JobHandle = {
      id,
      signal: controller.signal,
      update: (patch) => {
        entry.event = { ...entry.event, ...patch };
        const e = entry.event;
        if (patch.etaSeconds === undefined && e.total > 0 && e.done > 0 && e.done < e.total) {
          const elapsed = (Date.now() - started) / 1000;
          entry.event.etaSeconds = Math.round((elapsed / e.done) * (e.total - e.done));
        }
        const now = Date.now();
        if (now - entry.lastEmit >= 100 || patch.point || patch.phase) {
          entry.lastEmit = now;
          this.emit(entry.event);
        }
      },
    };
    this.emit(entry.event);
    work(handle).then(
      (message) => this.finish(id, { status: 'done', message: message ?? 'done', etaSeconds: 0 }),
      (e: unknown) =>
        this.finish(
          id,
          controller.signal.aborted
            ? { status: 'cancelled', message: 'cancelled' }
            : { status: 'failed', error: boundedError(this.describeFailure(e)), message: 'failed' },
        ),
    );
    return id;
  }

  /** Asks a running job to stop; true only for the request that did (a second one, or a finished job: false). */
  cancel(id: string): boolean {
    const entry = this.jobs.get(id);
    if (!entry || entry.event.status !== 'running' || entry.controller.signal.aborted) return false;
    entry.controller.abort();
    return true;
  }

  cancelAll(): void {
    for (const id of this.jobs.keys()) this.cancel(id);
  }

  active(): JobEvent[] {
    return [...this.jobs.values()].filter((j) => j.event.status === 'running').map((j) => j.event);
  }

  isRunning(kinds: JobEvent['kind'][]): boolean {
    return this.active().some((j) => kinds.includes(j.kind));
  }

  /** Resolves when no job is running (for clean shutdown and tests). */
  async idle(): Promise<void> {
    while (this.active().length > 0) await new Promise((r) => setTimeout(r, 50));
  }

  private finish(id: string, patch: Partial<JobEvent>): void {
    const entry = this.jobs.get(id);
    if (!entry) return;
    entry.event = { ...entry.event, ...patch };
    this.emit(entry.event);
    const finished = [...this.jobs].filter(([, j]) => j.event.status !== 'running');
    for (const [old] of finished.slice(0, Math.max(0, finished.length - KEEP_FINISHED_JOBS)))
      this.jobs.delete(old);
  }
}
