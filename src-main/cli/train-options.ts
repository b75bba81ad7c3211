import { resolve } from 'node:path';
import type { Command } from 'commander';
import {
  AUGMENT_MODES,
  BACKEND_CHOICES,
  CALIBRATION_METHODS,
  MODEL_NAMES,
  type TrainConfig,
} from '../../src-shared/domain';
import { BACKBONE_SIZE, TRAIN_LIMITS, type NumericTrainOption } from '../../src-shared/train-config';
import { BUILTIN_NODE, MIN_BACKBONE_SIZE, type BackboneSpec } from '../core/features/backbone-spec';
import { defaultTrainConfig } from '../core/train/config';
import { choiceOption, intOption, limitedOption } from './options';

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
      `${MODEL_NAMES.join('|')} (baseline: LeNet-like; pretrained: MobileNetV2 embeddings + logistic regression; ` +
        `default: ${defaultTrainConfig({ numClasses: 2 }).model} for two classes, ${defaultTrainConfig({ numClasses: 3 }).model} for more)`,
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
    .option('--class-weights', 'weight classes against imbalance (default for the CNNs)')
    .option('--no-class-weights', 'do not weight classes (default for pretrained)')
    .option(
      '--augment <mode>',
      `training augmentation: ${AUGMENT_MODES.join('|')} (shift: random shifts of up to ~8% of the side; flip: left–right mirror, only where a mirrored image keeps its class)`,
      choiceOption('--augment', AUGMENT_MODES),
    )
    .option(
      '--calibration <method>',
      `${CALIBRATION_METHODS.join('|')} (temperature: scale each fold model's probabilities on its validation split)`,
      choiceOption('--calibration', CALIBRATION_METHODS),
    )
    .option(
      '--backbone-model <model.json>',
      'pretrained: your own TensorFlow.js graph model instead of the bundled MobileNetV2 (local files only)',
    )
    .option('--backbone-node <name>', `pretrained: the graph node to embed with (default ${BUILTIN_NODE})`)
    .option(
      '--backbone-size <px>',
      `pretrained: side images are resized to (default ${BACKBONE_SIZE.small} px up to ${BACKBONE_SIZE.smallUpTo} images, ` +
        `${BACKBONE_SIZE.large} px above; a graph with a fixed input size keeps its own)`,
      intOption('--backbone-size', MIN_BACKBONE_SIZE),
    );
}

/** The options the user gave, as training-config overrides (commander's camelCase keys are the schema's keys). */
export function trainConfigFrom(opts: Record<string, unknown>): Partial<TrainConfig> {
  const out: Record<string, unknown> = {};
  for (const key of ['model', 'backend', 'augment', 'calibration', ...Object.keys(TRAIN_LIMITS)]) {
    if (opts[key] !== undefined) out[key] = opts[key];
  }
  if (typeof opts.classWeights === 'boolean') out.classWeights = opts.classWeights;
  return out as Partial<TrainConfig>;
}

/** The backbone options given (the rest: the bundled backbone's defaults, or the run's own); undefined if none. */
export function backboneFrom(opts: Record<string, unknown>): Partial<BackboneSpec> | undefined {
  const { backboneModel, backboneNode, backboneSize } = opts as {
    backboneModel?: string;
    backboneNode?: string;
    backboneSize?: number;
  };
  if (backboneModel === undefined && backboneNode === undefined && backboneSize === undefined)
    return undefined;
  if (opts.model !== undefined && opts.model !== 'pretrained')
    throw new Error('--backbone-model, --backbone-node and --backbone-size need --model pretrained');
  if (backboneModel !== undefined && backboneNode === undefined)
    throw new Error(
      '--backbone-model needs --backbone-node: the node of your graph whose output is the embedding',
    );
  return {
    ...(backboneModel !== undefined ? { model: resolve(backboneModel) } : {}),
    ...(backboneNode !== undefined ? { node: backboneNode } : {}),
    ...(backboneSize !== undefined ? { inputSize: backboneSize } : {}),
  };
}
