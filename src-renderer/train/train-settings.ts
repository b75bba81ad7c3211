import { AUGMENT_MODES, BACKEND_CHOICES, MODEL_NAMES, type TrainConfig } from '../../src-shared/domain';
import { augmentModeOf } from '../../src-shared/train-config';

/** What the training settings form edits: the options a user picks, for a cross-validation run or a retrain. */
export interface TrainSettings {
  model: TrainConfig['model'];
  folds: number;
  epochs: number;
  batchSize: number;
  backend: TrainConfig['backend'];
  augment: TrainConfig['augment'];
  /** Worker processes; null: as many as the machine has cores (the engine's default). */
  workers: number | null;
}

/** Which run the settings are for: a retrain trains one model per side, so it has no folds and one worker. */
export type SettingsFor = 'cv' | 'retrain';

/** The form's starting values: a previous run's settings over the engine's defaults. */
export function settingsFrom(defaults: TrainConfig, previous?: Partial<TrainConfig> | null): TrainSettings {
  const c = { ...defaults, ...stripUnknown(previous ?? {}) };
  return {
    model: c.model,
    folds: c.folds,
    epochs: c.epochs,
    batchSize: c.batchSize,
    backend: c.backend,
    augment: c.augment,
    workers: c.workers,
  };
}

/**
 * The overrides a run is started with. A retrain also keeps the learning rate and seed of the run it starts from
 * (they are not in the form), so its before/after models are trained like the cross-validation models.
 */
export function configFrom(
  s: TrainSettings,
  kind: SettingsFor,
  keep: Partial<TrainConfig> = {},
): Partial<TrainConfig> {
  // The pretrained model has no epochs, batches or augmentation (a logistic regression on embeddings).
  const config: Partial<TrainConfig> =
    s.model === 'pretrained'
      ? { model: s.model, backend: s.backend }
      : { model: s.model, epochs: s.epochs, batchSize: s.batchSize, backend: s.backend, augment: s.augment };
  if (kind === 'cv') {
    config.folds = s.folds;
    if (s.workers) config.workers = s.workers;
  } else {
    if (keep.learningRate !== undefined) config.learningRate = keep.learningRate;
    if (keep.seed !== undefined) config.seed = keep.seed;
    if (keep.classWeights !== undefined) config.classWeights = keep.classWeights;
  }
  return config;
}

/** Runs record their whole config (and, for a retrain, a test fraction): only the options the form knows count. */
function stripUnknown(c: Partial<TrainConfig> & Record<string, unknown>): Partial<TrainConfig> {
  const known: Partial<TrainConfig> = {};
  if ((MODEL_NAMES as readonly unknown[]).includes(c.model)) known.model = c.model;
  for (const k of ['folds', 'epochs', 'batchSize', 'workers', 'learningRate', 'seed'] as const) {
    if (typeof c[k] === 'number') known[k] = c[k];
  }
  if (typeof c.classWeights === 'boolean') known.classWeights = c.classWeights;
  if ((BACKEND_CHOICES as readonly unknown[]).includes(c.backend)) known.backend = c.backend;
  const augment = augmentModeOf(c.augment);
  if ((AUGMENT_MODES as readonly unknown[]).includes(augment))
    known.augment = augment as TrainConfig['augment'];
  return known;
}
