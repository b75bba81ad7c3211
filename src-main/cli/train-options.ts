import { resolve } from 'node:path';
import type { Command } from 'commander';
import { MODEL_NAMES, type TrainConfig } from '../../src-shared/domain';
import {
  BUILTIN_NODE,
  DEFAULT_BACKBONE_SIZE,
  MIN_BACKBONE_SIZE,
  defaultBackbone,
  type BackboneSpec,
} from '../core/features/backbone-spec';
import { choiceOption, intOption, numberOption } from './options';

/** The training options shared by `train` and `retrain`. */
export function addTrainOptions(cmd: Command): Command {
  return cmd
    .option(
      '--model <name>',
      'baseline (LeNet-like), cnn, or pretrained (MobileNetV2 embeddings + logistic regression)',
      choiceOption('--model', MODEL_NAMES),
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
    .option('--class-weights', 'weight classes against imbalance (default for baseline and cnn)')
    .option('--no-class-weights', 'do not weight classes (default for pretrained)')
    .option('--augment', 'horizontal-flip augmentation')
    .option(
      '--backbone-model <model.json>',
      'pretrained: your own TensorFlow.js graph model instead of the bundled MobileNetV2 (local files only)',
    )
    .option('--backbone-node <name>', `pretrained: the graph node to embed with (default ${BUILTIN_NODE})`)
    .option(
      '--backbone-size <px>',
      `pretrained: side images are resized to (default ${DEFAULT_BACKBONE_SIZE}; a graph with a fixed input size keeps its own)`,
      intOption('--backbone-size', MIN_BACKBONE_SIZE),
    );
}

/** The backbone options as a spec, or undefined when none was given (the bundled backbone, or the run's own). */
export function backboneFrom(opts: Record<string, unknown>): BackboneSpec | undefined {
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
  const spec = defaultBackbone();
  return {
    model: backboneModel === undefined ? spec.model : resolve(backboneModel),
    node: backboneNode ?? spec.node,
    inputSize: backboneSize ?? spec.inputSize,
  };
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
  ] as const;
  for (const k of keys) if (opts[k] !== undefined) (out as Record<string, unknown>)[k] = opts[k];
  if (typeof opts.classWeights === 'boolean') out.classWeights = opts.classWeights;
  return out;
}
