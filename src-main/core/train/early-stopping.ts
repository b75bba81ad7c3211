import type { Tensor } from '@tensorflow/tfjs-core';
import type { EpochPoint } from '../../../src-shared/domain';

/**
 * Keeps the weights of the best epoch by validation loss (a copy taken when an epoch improves on the
 * best so far) and says when `patience` epochs in a row have not improved. Without a validation set
 * it never stops early and keeps nothing (the last epoch's weights are used).
 */
export class EarlyStopping {
  private best: { loss: number; epoch: number; weights: Tensor[] } | null = null;
  private sinceBest = 0;

  constructor(
    private readonly patience: number,
    private readonly snapshot: () => Tensor[],
    private readonly release: (weights: Tensor[]) => void,
  ) {}

  /** Records an epoch; true when training should stop. */
  observe(point: EpochPoint): boolean {
    if (point.valLoss === undefined) return false;
    if (!this.best || point.valLoss < this.best.loss) {
      const weights = this.snapshot();
      if (this.best) this.release(this.best.weights);
      this.best = { loss: point.valLoss, epoch: point.epoch, weights };
      this.sinceBest = 0;
      return false;
    }
    return ++this.sinceBest >= this.patience;
  }

  /** The best epoch (1-based), or null when no epoch had a validation loss. */
  get bestEpoch(): number | null {
    return this.best?.epoch ?? null;
  }

  /** The best weights when they are not the last epoch's, else null. */
  weightsToRestore(lastEpoch: number): Tensor[] | null {
    return this.best && this.best.epoch !== lastEpoch ? this.best.weights : null;
  }

  dispose(): void {
    if (this.best) this.release(this.best.weights);
    this.best = null;
  }
}
