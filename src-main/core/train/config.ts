import { availableParallelism } from 'node:os';
import type { ModelName, TrainConfig } from '../../../src-shared/domain';
import { TRAIN_LIMITS, augmentModeOf, trainConfigSchema } from '../../../src-shared/train-config';
import { formatZodIssues } from '../../../src-shared/validate';

/** What the defaults depend on: the number of classes of the dataset to train on. */
export interface DatasetShape {
  numClasses: number;
}

/**
 * Defaults, chosen per dataset by the label-noise benchmarks (README, "Which model by default"):
 * - two classes: the LeNet-like baseline without augmentation, up to 15 epochs (patience 3). On the
 *   binary Fashion-MNIST benchmark it already finds 99% of the flips at 99% precision, at a sixth of
 *   lenet-wide's cost per image.
 * - three or more classes: the pretrained model (MobileNetV2 embeddings + logistic regression). On 10-class
 *   Fashion-MNIST it is the only model measured that meets precision ≥ 0.70 at recall ≥ 0.90 with 10 % and
 *   20 % of the labels flipped within 15 minutes here (2.9 min; lenet-wide ranks better at 10 % but takes
 *   ~19). A user who picks a CNN for many classes gets random shifts and up to 30 epochs (patience 5:
 *   augmentation slows convergence): lenet-wide that way is 4–5 points more accurate than the baseline.
 * Common to both: 5 folds (cleanlab's default), early stopping on 10% of each training split with the
 * best weights restored, batch 64, Adam 1e-3, class weights against imbalance, each fold model's
 * probabilities temperature-scaled on its validation split, one worker process per core.
 * `model` picks another model with the rest of these defaults; `pretrained` has no class weights (with a noisy
 * minority class, balanced weights pull its logistic regression towards the noise: bench/models.ts) and no
 * augmentation (it trains on stored embeddings).
 */
export function defaultTrainConfig(dataset?: DatasetShape, model?: ModelName): TrainConfig {
  const manyClasses = (dataset?.numClasses ?? 2) > 2;
  const chosen = model ?? (manyClasses ? 'pretrained' : 'baseline');
  return {
    model: chosen,
    folds: 5,
    epochs: manyClasses ? 30 : 15,
    batchSize: 64,
    learningRate: 1e-3,
    backend: 'auto',
    seed: 42,
    workers: Math.min(availableParallelism(), TRAIN_LIMITS.workers.max),
    validationFraction: 0.1,
    patience: manyClasses ? 5 : 3,
    classWeights: chosen !== 'pretrained',
    augment: manyClasses && chosen !== 'pretrained' ? 'shift' : 'none',
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
  if (typeof stored.augment === 'boolean')
    out.augment = augmentModeOf(stored.augment) as TrainConfig['augment'];
  if (stored.calibration === undefined) out.calibration = 'none';
  return out;
}
