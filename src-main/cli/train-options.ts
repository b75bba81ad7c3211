import type { Command } from 'commander';
import { AUGMENT_MODES, CALIBRATION_METHODS, type TrainConfig } from '../../src-shared/domain';
import { choiceOption, intOption, numberOption } from './options';

/** The training options shared by `train` and `retrain`. */
export function addTrainOptions(cmd: Command): Command {
  return cmd
    .option(
      '--model <name>',
      'baseline (LeNet-like) or cnn',
      choiceOption('--model', ['baseline', 'cnn'] as const),
    )
    .option('--folds <k>', 'cross-validation folds (default 5)', intOption('--folds', 2))
    .option('--epochs <n>', 'maximum epochs per model (early stopping may end sooner)', intOption('--epochs'))
    .option('--batch-size <n>', 'batch size', intOption('--batch-size'))
    .option('--learning-rate <x>', 'Adam learning rate', numberOption('--learning-rate', 1e-6, 1))
    .option(
      '--backend <name>',
      'auto|gpu|node|wasm|cpu (auto: tfjs-node-gpu → tfjs-node → wasm → cpu)',
      choiceOption('--backend', ['auto', 'gpu', 'node', 'wasm', 'cpu'] as const),
    )
    .option('--seed <n>', 'random seed (splits, initialisation, shuffling)', intOption('--seed', 0))
    .option('--workers <n>', 'parallel worker processes (default: one per core)', intOption('--workers'))
    .option('--no-class-weights', 'do not weight classes against imbalance')
    .option(
      '--augment <mode>',
      'training augmentation: none, shift (random shifts of up to ~8% of the side), flip (left–right mirror; only where a mirrored image keeps its class) or shift-flip',
      choiceOption('--augment', AUGMENT_MODES),
    )
    .option(
      '--calibration <method>',
      'temperature (scale each fold model on its validation split) or none',
      choiceOption('--calibration', CALIBRATION_METHODS),
    );
}

export function trainConfigFrom(opts: Record<string, unknown>): Partial<TrainConfig> {
  const out: Partial<TrainConfig> = {};
  const keys = [
    'model',
    'folds',
    'epochs',
    'batchSize',
    'learningRate',
    'backend',
    'seed',
    'workers',
    'augment',
    'calibration',
  ] as const;
  for (const k of keys) if (opts[k] !== undefined) (out as Record<string, unknown>)[k] = opts[k];
  if (opts.classWeights === false) out.classWeights = false;
  return out;
}
