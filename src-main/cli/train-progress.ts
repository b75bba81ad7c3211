import type { TrainProgress } from '../core/train';
import { createProgress, type Progress } from './progress';
import { err } from './terminal';

/** One progress bar per fold (or per model), fed by training progress events. */
export function trainProgressPrinter(label: string): (p: TrainProgress) => void {
  let bar: Progress | null = null;
  let key = '';
  let announcedBackend = false;
  return (p) => {
    if (p.backend && !announcedBackend) {
      announcedBackend = true;
      err(`${label}: training on the ${p.backend} backend\n`);
    }
    if (p.batches === 0) return; // start/finish notices carry no batch counts
    const k = `${p.fold}`;
    if (k !== key) {
      bar?.done();
      key = k;
      bar = createProgress(
        p.fold === null ? label : `${label} fold ${p.fold + 1}/${p.folds}`,
        p.epochs * p.batches,
      );
    }
    const done = Math.max(0, (p.epoch - 1) * p.batches + p.batch);
    const pt = p.point ? ` loss ${p.point.loss.toFixed(3)} acc ${p.point.accuracy.toFixed(3)}` : '';
    bar!.setTotal(p.epochs * p.batches);
    bar!.tick(done, `epoch ${p.epoch}/${p.epochs}${pt}`);
  };
}
