import type { BackendName } from '../../../src-shared/domain';
import { Worker } from '../train/pool';
import { workerEntryFor } from '../train/worker-entry';
import { AbortError } from '../train/trainer';
import type { FeatureChildMessage, FeatureInit, FeatureJob, FeatureParentMessage } from './protocol';

type Result = Extract<
  FeatureChildMessage,
  { type: 'embedded' } | { type: 'fitted' } | { type: 'health-scanned' }
>;
type Ready = Extract<FeatureChildMessage, { type: 'ready' }>;
type FeatureWorker = Worker<FeatureChildMessage, FeatureParentMessage, FeatureJob>;

export interface FeaturePoolOptions {
  init: FeatureInit;
  jobs: FeatureJob[];
  /** Worker processes wanted (at most one per job; one when the backend is a GPU). */
  workers: number;
  onReady?: (ready: Ready, workers: number) => void;
  onResult: (job: FeatureJob, result: Result) => void;
  onProgress?: (job: FeatureJob, message: string) => void;
  signal?: AbortSignal;
}

/** How to start feature-worker (beside this module in the source tree, a bundled out/main/feature-worker.js in a build). */
export const featureWorkerEntry = () => workerEntryFor('feature-worker', import.meta.url);

/**
 * Runs feature jobs (embedding chunks, logistic-regression folds) on worker processes, the same way the
 * training pool runs fold models: every worker is initialised once, then takes the next job as it finishes
 * one. Rejects on the first failure or on abort; every child is gone when the promise settles.
 */
export async function runFeatureJobs(
  o: FeaturePoolOptions,
): Promise<{ backend: BackendName | null; notes: string[] }> {
  if (o.signal?.aborted) throw new AbortError();
  if (o.jobs.length === 0) throw new Error('no feature jobs to run');
  const queue = [...o.jobs];
  const workers = new Set<FeatureWorker>();
  const wanted = Math.max(1, Math.min(o.workers, o.jobs.length));
  let ready: Ready | null = null;
  let remaining = o.jobs.length;
  let failure: Error | null = null;
  let onAbort = () => {};
  const what =
    o.init.type === 'init-embed'
      ? 'embedding worker'
      : o.init.type === 'init-neighbours'
        ? 'embedding-scan worker'
        : 'logistic-regression worker';

  try {
    await new Promise<void>((resolve, reject) => {
      const fail = (e: Error) => {
        if (failure) return;
        failure = e;
        reject(e);
      };
      onAbort = () => fail(new AbortError());
      o.signal?.addEventListener('abort', onAbort, { once: true });

      const start = () => {
        const w: FeatureWorker = new Worker(featureWorkerEntry(), onMessage, (_w, why) =>
          fail(new Error(`${what} ${why}`)),
        );
        workers.add(w);
        w.send(o.init);
      };
      const next = (w: FeatureWorker) => {
        const job = queue.shift() ?? null;
        w.job = job;
        if (job) w.send(job);
      };
      function onMessage(w: FeatureWorker, m: FeatureChildMessage) {
        if (failure) return;
        try {
          switch (m.type) {
            case 'ready':
              if (!ready) {
                ready = m;
                // One TensorFlow process owns a GPU; every other backend scales with processes.
                const size = m.backend === 'tensorflow-gpu' ? 1 : wanted;
                o.onReady?.(m, size);
                for (let i = workers.size; i < size; i++) start();
              }
              next(w);
              break;
            case 'progress':
              if (w.job) o.onProgress?.(w.job, m.message);
              break;
            case 'embedded':
            case 'fitted':
            case 'health-scanned':
              o.onResult(w.job!, m);
              if (--remaining === 0) resolve();
              else next(w);
              break;
            case 'error':
              fail(new Error(m.message));
              break;
          }
        } catch (e) {
          fail(e as Error);
        }
      }
      // With an automatic backend the first worker tells whether a GPU is in use before more are started.
      const gpuPossible =
        o.init.type === 'init-embed' && (o.init.backend === 'auto' || o.init.backend === 'gpu');
      for (let i = 0; i < (gpuPossible ? 1 : wanted); i++) start();
    });
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
    const grace = failure ? 0 : 5000;
    await Promise.all([...workers].map((w) => w.stop(grace)));
  }
  const r = ready as Ready | null;
  return { backend: r?.backend ?? null, notes: r?.notes ?? [] };
}
