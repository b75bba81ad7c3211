import { availableParallelism } from 'node:os';
import { MODEL_NAMES, type ModelName, type TrainConfig } from '../../../src-shared/domain';

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
    workers: availableParallelism(),
    validationFraction: 0.1,
    patience: 3,
    classWeights: model !== 'pretrained',
    augment: false,
  };
}

const positiveInt = (v: number) => Number.isInteger(v) && v >= 1;

/** Throws an Error naming the first invalid field. */
export function validateTrainConfig(c: TrainConfig): void {
  const fail = (field: string, want: string, got: unknown) => {
    throw new Error(`invalid training config: ${field} must be ${want}, got ${JSON.stringify(got)}`);
  };
  if (!MODEL_NAMES.includes(c.model)) fail('model', MODEL_NAMES.join(' | '), c.model);
  if (!Number.isInteger(c.folds) || c.folds < 2) fail('folds', 'an integer ≥ 2', c.folds);
  if (!positiveInt(c.epochs)) fail('epochs', 'an integer ≥ 1', c.epochs);
  if (!positiveInt(c.batchSize)) fail('batchSize', 'an integer ≥ 1', c.batchSize);
  if (!(c.learningRate > 0 && c.learningRate < 10))
    fail('learningRate', 'a number in (0, 10)', c.learningRate);
  if (!['auto', 'gpu', 'node', 'wasm', 'cpu'].includes(c.backend))
    fail('backend', 'auto|gpu|node|wasm|cpu', c.backend);
  if (!Number.isInteger(c.seed)) fail('seed', 'an integer', c.seed);
  if (!positiveInt(c.workers)) fail('workers', 'an integer ≥ 1', c.workers);
  if (!(c.validationFraction >= 0 && c.validationFraction < 1)) {
    fail('validationFraction', 'a number in [0, 1)', c.validationFraction);
  }
  if (!Number.isInteger(c.patience) || c.patience < 0) fail('patience', 'an integer ≥ 0', c.patience);
}
