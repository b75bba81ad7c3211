import { availableParallelism } from 'node:os';
import type { TrainConfig } from '../../../src-shared/domain';
import { TRAIN_LIMITS, trainConfigSchema } from '../../../src-shared/train-config';
import { formatZodIssues } from '../../../src-shared/validate';

/**
 * Defaults: the LeNet-like baseline, 5 folds (cleanlab's default), up to 15 epochs with early stopping on
 * 10% of each training split (patience 3, best weights restored), batch 64 (fastest per image on the
 * wasm backend without hurting convergence), Adam 1e-3, class weights against imbalance, no
 * augmentation (label noise detection wants the model to see the images as they are), each fold
 * model's probabilities temperature-scaled on its validation split, one worker process per core.
 */
export function defaultTrainConfig(): TrainConfig {
  return {
    model: 'baseline',
    folds: 5,
    epochs: 15,
    batchSize: 64,
    learningRate: 1e-3,
    backend: 'auto',
    seed: 42,
    workers: Math.min(availableParallelism(), TRAIN_LIMITS.workers.max),
    validationFraction: 0.1,
    patience: 3,
    classWeights: true,
    augment: 'none',
    calibration: 'temperature',
  };
}

/** Checks a complete configuration against the one training schema; throws an Error naming every bad field. */
export function validateTrainConfig(c: TrainConfig): void {
  const r = trainConfigSchema.safeParse(c);
  if (!r.success) throw new Error(`invalid training config: ${formatZodIssues(r.error)}`);
}

/**
 * A run's stored configuration in today's terms: runs made before augmentation modes stored
 * `augment` as a boolean (true = left–right mirroring), and runs made before calibration were not
 * calibrated (so a resumed one finishes the way it started).
 */
export function storedTrainConfig(stored: Record<string, unknown>): Partial<TrainConfig> {
  const out = { ...stored } as Partial<TrainConfig> & Record<string, unknown>;
  if (typeof stored.augment === 'boolean') out.augment = stored.augment ? 'flip' : 'none';
  if (stored.calibration === undefined) out.calibration = 'none';
  return out;
}
