import type { BackendName } from '../../../src-shared/domain';
import type { JobProgress, ModelJob } from './pool';
import type { TrainProgress } from './types';

/** Progress bookkeeping shared by both entry points: per-model position and a whole-run ETA. */
export class ProgressTracker {
  private readonly started = Date.now();
  private readonly done = new Map<string, number>();
  private readonly totals = new Map<string, number>();
  private readonly finishedModels = new Set<string>();
  backend: BackendName | null = null;

  constructor(
    private readonly folds: number,
    private readonly epochs: number,
    private readonly models: ModelJob[],
    private readonly batchSize: number,
    private readonly validationFraction: number,
  ) {
    for (const m of models) this.totals.set(key(m), this.epochs * this.batchesOf(m));
  }

  private batchesOf(m: ModelJob): number {
    return Math.max(1, Math.ceil((m.trainIndices.length * (1 - this.validationFraction)) / this.batchSize));
  }

  /** Whole-call progress in batches and the time left at the pace so far. */
  private overall(): Pick<TrainProgress, 'done' | 'total' | 'modelsDone' | 'etaSeconds'> {
    let done = 0;
    let total = 0;
    for (const [k, t] of this.totals) {
      total += t;
      done += Math.min(t, this.done.get(k) ?? 0);
    }
    const etaSeconds =
      done === 0 ? null : Math.round((((Date.now() - this.started) / 1000) * (total - done)) / done);
    return { done, total, modelsDone: this.finishedModels.size, etaSeconds };
  }

  message(message: string): TrainProgress {
    return {
      fold: null,
      folds: this.folds,
      epoch: 0,
      epochs: this.epochs,
      batch: 0,
      batches: 0,
      ...this.overall(),
      backend: this.backend,
      message,
    };
  }

  progress(job: ModelJob, p: JobProgress): TrainProgress {
    const batches = p.batches || this.batchesOf(job);
    this.done.set(key(job), (p.epoch - 1) * batches + p.batch);
    const where = job.fold === null ? '' : `fold ${job.fold + 1}/${this.folds} `;
    const pt = p.point;
    const detail = pt
      ? `: loss ${pt.loss.toFixed(4)} acc ${pt.accuracy.toFixed(3)}` +
        (pt.valLoss !== undefined
          ? ` val_loss ${pt.valLoss.toFixed(4)} val_acc ${pt.valAccuracy!.toFixed(3)}`
          : '')
      : '';
    return {
      fold: job.fold,
      folds: this.folds,
      epoch: p.epoch,
      epochs: this.epochs,
      batch: p.batch,
      batches,
      point: pt,
      ...this.overall(),
      backend: this.backend,
      message: `${where}epoch ${p.epoch}/${this.epochs}${pt ? ' done' + detail : ''}`,
    };
  }

  finished(job: ModelJob): void {
    this.done.set(key(job), this.totals.get(key(job))!);
    this.finishedModels.add(key(job));
  }
}

const key = (m: ModelJob) => String(m.fold);

export function earlyStoppingNote(
  epochs: number,
  stops: { fold: number | null; run: number; best: number }[],
): string | null {
  const early = stops.filter((s) => s.run < epochs);
  if (early.length === 0) return null;
  const list = stops
    .sort((a, b) => (a.fold ?? 0) - (b.fold ?? 0))
    .map((s) => (s.fold === null ? '' : `fold ${s.fold + 1}: `) + `${s.run} (best ${s.best})`);
  return `early stopping: epochs trained ${list.join(', ')} of at most ${epochs}`;
}
