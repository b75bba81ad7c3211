import type { TrainProgress } from '../core/train';
import { createProgress, type Progress } from './progress';
import { forTerminal } from '../core/quote';

/**
 * One progress bar for a whole training call, fed by the engine's overall progress (folds train in parallel, so
 * per-fold bars would replace each other and restart their clocks). The ETA is the engine's: measured over the
 * run so far, an upper bound when early stopping may end folds sooner.
 */
export function trainProgressPrinter(
  label: string,
  stream: NodeJS.WriteStream = process.stderr,
): (p: TrainProgress) => void {
  let bar: Progress | null = null;
  let announcedBackend = false;
  return (p) => {
    if (p.backend && !announcedBackend) {
      announcedBackend = true;
      stream.write(forTerminal(`${label}: training on the ${p.backend} backend\n`));
    }
    if (p.total === 0) return;
    bar ??= createProgress(label, p.total, stream);
    bar.setTotal(p.total);
    const where = p.fold === null ? '' : `fold ${p.fold + 1}/${p.folds} `;
    const pt = p.point ? ` loss ${p.point.loss.toFixed(3)} acc ${p.point.accuracy.toFixed(3)}` : '';
    const folds = p.folds > 0 ? `${p.modelsDone}/${p.folds} folds done, ` : '';
    bar.tick(p.done, `${folds}${where}epoch ${p.epoch}/${p.epochs}${pt}`, p.etaSeconds);
    if (p.done >= p.total) bar.done();
  };
}
