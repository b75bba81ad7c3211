import type { Command } from 'commander';
import {
  AUGMENT_MODES,
  BACKEND_CHOICES,
  CALIBRATION_METHODS,
  MODEL_NAMES,
  type TrainConfig,
} from '../../src-shared/domain';
import { TRAIN_LIMITS, type NumericTrainOption } from '../../src-shared/train-config';
import { choiceOption, limitedOption } from './options';

/** `--batch-size` for batchSize: the flag of each training option. */
const flagOf = (key: string) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

const NUMERIC_HELP: Partial<Record<NumericTrainOption, string>> = {
  folds: 'cross-validation folds (default 5)',
  epochs: 'maximum epochs per model (early stopping may end sooner)',
  batchSize: 'batch size',
  learningRate: 'Adam learning rate',
  seed: 'random seed (splits, initialisation, shuffling)',
  workers: 'parallel worker processes (default: one per core)',
  validationFraction: 'share of each training split held out for early stopping',
  patience: 'epochs without improvement before early stopping',
};

/** The training options shared by `train` and `retrain`; names, choices and ranges come from the one schema. */
export function addTrainOptions(cmd: Command): Command {
  cmd
    .option(
      '--model <name>',
      `${MODEL_NAMES.join('|')} (baseline: LeNet-like)`,
      choiceOption('--model', MODEL_NAMES),
    )
    .option(
      '--backend <name>',
      `${BACKEND_CHOICES.join('|')} (auto: tfjs-node-gpu → tfjs-node → wasm → cpu)`,
      choiceOption('--backend', BACKEND_CHOICES),
    );
  for (const [key, limit] of Object.entries(TRAIN_LIMITS) as [
    NumericTrainOption,
    (typeof TRAIN_LIMITS)[NumericTrainOption],
  ][]) {
    const flag = flagOf(key);
    const range = `${limit.min}–${limit.max}`;
    cmd.option(
      `${flag} <${limit.integer ? 'n' : 'x'}>`,
      `${NUMERIC_HELP[key] ?? key} (${range})`,
      limitedOption(flag, limit),
    );
  }
  return cmd
    .option('--no-class-weights', 'do not weight classes against imbalance')
    .option(
      '--augment <mode>',
      `training augmentation: ${AUGMENT_MODES.join('|')} (shift: random shifts of up to ~8% of the side; flip: left–right mirror, only where a mirrored image keeps its class)`,
      choiceOption('--augment', AUGMENT_MODES),
    )
    .option(
      '--calibration <method>',
      `${CALIBRATION_METHODS.join('|')} (temperature: scale each fold model's probabilities on its validation split)`,
      choiceOption('--calibration', CALIBRATION_METHODS),
    );
}

/** The options the user gave, as training-config overrides (commander's camelCase keys are the schema's keys). */
export function trainConfigFrom(opts: Record<string, unknown>): Partial<TrainConfig> {
  const out: Record<string, unknown> = {};
  for (const key of ['model', 'backend', 'augment', 'calibration', ...Object.keys(TRAIN_LIMITS)]) {
    if (opts[key] !== undefined) out[key] = opts[key];
  }
  if (opts.classWeights === false) out.classWeights = false;
  return out as Partial<TrainConfig>;
}
