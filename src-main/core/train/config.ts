import { availableParallelism } from 'node:os';
import type { ModelName, TrainConfig } from '../../../src-shared/domain';
import { TRAIN_LIMITS, trainConfigSchema } from '../../../src-shared/train-config';
import { formatZodIssues } from '../../../src-shared/validate';

/**
 * Defaults: the LeNet-like baseline, 5 folds (cleanlab's default), up to 15 epochs with early stopping on
 * 10% of each training split (patience 3, best weights restored), batch 64 (fastest per image on the
 * wasm backend without hurting convergence), Adam 1e-3, class weights against imbalance, no
 * augmentation (label noise detection wants the model to see the images as they are), one worker
 * process per core. `pretrained` defaults to no class weights: with a noisy minority class, balanced weights
 * pull its logistic regression towards the noise (measured in bench/models.ts).
 */
export function defaultTrainConfig(model: ModelName = 'baseline'): TrainConfig {
  return {
    model,
    folds: 5,
    epochs: 15,
    batchSize: 64,
    learningRate: 1e-3,
    backend: 'auto',
    seed: 42,
    workers: Math.min(availableParallelism(), TRAIN_LIMITS.workers.max),
    validationFraction: 0.1,
    patience: 3,
    classWeights: model !== 'pretrained',
    augment: false,
  };
}

/** Checks a complete configuration against the one training schema; throws an Error naming every bad field. */
export function validateTrainConfig(c: TrainConfig): void {
  const r = trainConfigSchema.safeParse(c);
  if (!r.success) throw new Error(`invalid training config: ${formatZodIssues(r.error)}`);
}
