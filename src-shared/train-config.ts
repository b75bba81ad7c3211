/**
 * The training options: one set of limits, one schema. The API contract, the training engine and the CLI's
 * option parsers all derive from this file, so a limit cannot differ between them.
 */
import { z } from 'zod';
import { BACKEND_CHOICES, MODEL_NAMES, TRAINING_LABELS } from './domain';

export interface NumericLimit {
  min: number;
  max: number;
  integer: boolean;
}

/** The numeric training options and the range each accepts (inclusive). */
export const TRAIN_LIMITS = {
  folds: { min: 2, max: 20, integer: true },
  epochs: { min: 1, max: 500, integer: true },
  batchSize: { min: 1, max: 4096, integer: true },
  learningRate: { min: 1e-6, max: 1, integer: false },
  seed: { min: 0, max: 2 ** 32 - 1, integer: true },
  workers: { min: 1, max: 64, integer: true },
  /** Share of each training split held out for early stopping (0: none, train for every epoch). */
  validationFraction: { min: 0, max: 0.5, integer: false },
  /** Epochs without a better validation loss before stopping (0: stop at the first). */
  patience: { min: 0, max: 100, integer: true },
} as const satisfies Record<string, NumericLimit>;

export type NumericTrainOption = keyof typeof TRAIN_LIMITS;

function limited(limit: NumericLimit) {
  const n = z.number().min(limit.min).max(limit.max);
  return limit.integer ? n.int() : n;
}

/** A complete training configuration, as the engine runs it. */
export const trainConfigSchema = z
  .object({
    model: z.enum(MODEL_NAMES),
    folds: limited(TRAIN_LIMITS.folds),
    epochs: limited(TRAIN_LIMITS.epochs),
    batchSize: limited(TRAIN_LIMITS.batchSize),
    learningRate: limited(TRAIN_LIMITS.learningRate),
    backend: z.enum(BACKEND_CHOICES),
    seed: limited(TRAIN_LIMITS.seed),
    workers: limited(TRAIN_LIMITS.workers),
    validationFraction: limited(TRAIN_LIMITS.validationFraction),
    patience: limited(TRAIN_LIMITS.patience),
    classWeights: z.boolean(),
    augment: z.boolean(),
  })
  .strict();

export type TrainConfig = z.infer<typeof trainConfigSchema>;

/** What a caller may pass: any subset of the options; the rest come from the engine's defaults. */
export const trainOverridesSchema = trainConfigSchema.partial().strict();

/**
 * A cross-validation run's options: the engine's, plus which labels it trains on (`relabel train --labels`, the
 * Train page). Left out: the reviewed labels once any decision exists, else the given ones.
 */
export const cvOverridesSchema = trainOverridesSchema
  .extend({ labels: z.enum(TRAINING_LABELS).optional() })
  .strict();

export type CvOverrides = z.infer<typeof cvOverridesSchema>;
