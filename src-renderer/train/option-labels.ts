import {
  BUILTIN_BACKBONE,
  type AugmentMode,
  type BackendChoice,
  type FilterBy,
  type ModelName,
  type RankedBy,
  type TrainingLabels,
} from '../../src-shared/domain';

/*
 * How the UI names each method and option. The names themselves are the contract's tuples; these records are
 * keyed by their types, so a name added to a tuple without a label here does not compile.
 */

export const filterByLabels: Record<FilterBy, string> = {
  prune_by_noise_rate: 'prune by noise rate (cleanlab default)',
  prune_by_class: 'prune by class',
  both: 'both',
  confident_learning: 'confident learning (off-diagonals)',
  predicted_neq_given: 'predicted ≠ given',
  low_self_confidence: 'low self-confidence',
  low_normalized_margin: 'low normalized margin',
};

export const rankedByLabels: Record<RankedBy, string> = {
  self_confidence: 'self-confidence',
  normalized_margin: 'normalized margin',
  confidence_weighted_entropy: 'confidence-weighted entropy',
};

export const modelLabels: Record<ModelName, string> = {
  baseline: 'baseline — small, fast CNN',
  'lenet-wide': 'lenet-wide — wider, with dropout; the best-ranking CNN on many classes',
  cnn: 'cnn — deeper, batch-normalised',
  pretrained: 'pretrained — MobileNetV2 embeddings + logistic regression',
};

export const augmentLabels: Record<AugmentMode, string> = {
  none: 'none — images as they are',
  shift: 'shift — small random shifts',
  flip: 'flip — left–right mirror',
  'shift-flip': 'shift + flip',
};

export const backendLabels: Record<BackendChoice, string> = {
  auto: 'auto — fastest available',
  gpu: 'gpu — TensorFlow with CUDA',
  node: 'node — native TensorFlow',
  wasm: 'wasm — WebAssembly (one core per worker)',
  cpu: 'cpu — plain JavaScript (very slow)',
};

/** "MobileNetV2 (bundled), 96 px" / "model.json, node …, 128 px": which backbone a pretrained run used. */
export function backboneText(config: Record<string, unknown>): string | null {
  if (config.model !== 'pretrained') return null;
  const b = (config.backbone ?? {}) as { model?: string; node?: string; inputSize?: number };
  const px = b.inputSize ? `${b.inputSize} px` : 'default size';
  if (!b.model || b.model === BUILTIN_BACKBONE) return `MobileNetV2 α1.4 (bundled), ${px}`;
  const file = b.model.split(/[\\/]/).slice(-2).join('/');
  return `${file}, node ${b.node ?? '?'}, ${px}`;
}

export const trainingLabelsLabels: Record<TrainingLabels, string> = {
  given: 'given labels (as imported)',
  reviewed: 'reviewed labels (relabels applied, excluded left out)',
};

/** `[value, label]` pairs in the tuple's order, for a <select>. */
export function choices<T extends string>(names: readonly T[], labels: Record<T, string>): [T, string][] {
  return names.map((n) => [n, labels[n]]);
}
