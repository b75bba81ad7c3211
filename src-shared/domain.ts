/**
 * Domain types shared by the core, every transport (IPC, HTTP) and the renderer.
 * Plain data only: everything here must survive structured clone and JSON.
 */

/** A class of the classification task. `id` is the integer written in label files. */
export interface ClassInfo {
  id: number;
  name: string;
}

/** One image of the dataset. `index` is its 0-based line in label_train.txt. */
export interface Sample {
  index: number;
  /** Path relative to the dataset root, with forward slashes (IDX datasets: `idx:<n>`). */
  path: string;
  /** Hex SHA-1 of the source bytes (IDX: of the pixel bytes). */
  hash: string;
  width: number;
  height: number;
  givenLabel: number;
}

export type DatasetFormat = 'seed' | 'imagefolder' | 'csv' | 'idx';

export interface DatasetInfo {
  format: DatasetFormat;
  /** Absolute folder the sample paths are relative to (IDX: folder of the IDX files). */
  root: string;
  /** Absolute path of the label source (label_train.txt, CSV or IDX label file); null for ImageFolder. */
  labelSource: string | null;
  /** Model input size every image was normalised to. */
  inputWidth: number;
  inputHeight: number;
  /** 1 (grayscale) or 3 (RGB). */
  channels: 1 | 3;
  numSamples: number;
  importedAt: string;
}

export type DecisionAction = 'keep' | 'relabel' | 'exclude';

/** The current (derived) decision of one sample. */
export interface Decision {
  sampleIndex: number;
  path: string;
  action: DecisionAction;
  /** The label the sample ends up with: given label for keep, new label for relabel, null for exclude. */
  finalLabel: number | null;
  annotator: string;
  decidedAt: string;
}

/** One row of the append-only decision history. */
export interface DecisionEvent {
  id: number;
  sampleIndex: number;
  path: string;
  /** `clear` returns the sample to undecided (used by undo). */
  action: DecisionAction | 'clear';
  newLabel: number | null;
  annotator: string;
  createdAt: string;
  kind: 'decide' | 'undo' | 'redo';
  batchId: string;
}

export type FilterBy =
  | 'prune_by_noise_rate'
  | 'prune_by_class'
  | 'both'
  | 'confident_learning'
  | 'predicted_neq_given'
  | 'low_self_confidence'
  | 'low_normalized_margin';

export type RankedBy = 'self_confidence' | 'normalized_margin' | 'confidence_weighted_entropy';

export type BackendName = 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';
export type BackendChoice = 'auto' | 'gpu' | 'node' | 'wasm' | 'cpu';
export type ModelName = 'baseline' | 'cnn';
/** Training-time augmentation: random shifts of up to ~8% of the side, left–right mirroring, both, or none. */
export const AUGMENT_MODES = ['none', 'shift', 'flip', 'shift-flip'] as const;
export type AugmentMode = (typeof AUGMENT_MODES)[number];
/** How each model's probabilities are calibrated: temperature scaling on its validation split, or not at all. */
export const CALIBRATION_METHODS = ['temperature', 'none'] as const;
export type CalibrationMethod = (typeof CALIBRATION_METHODS)[number];

export interface TrainConfig {
  model: ModelName;
  folds: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  backend: BackendChoice;
  seed: number;
  workers: number;
  /** Fraction of each training split held out for early stopping. */
  validationFraction: number;
  patience: number;
  classWeights: boolean;
  augment: AugmentMode;
  calibration: CalibrationMethod;
}

export type RunKind = 'cv' | 'holdout' | 'retrain' | 'imported';
export type RunStatus = 'running' | 'done' | 'failed' | 'cancelled';

export interface PerClassMetrics {
  classId: number;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface Metrics {
  accuracy: number;
  /** Half total error rate: mean of the per-class error rates = 1 - balanced accuracy. */
  hter: number;
  balancedAccuracy: number;
  /** confusion[true][predicted] counts. */
  confusion: number[][];
  perClass: PerClassMetrics[];
  n: number;
  /**
   * Expected calibration error of the top-class probability (15 equal-width bins) against the same
   * labels as `accuracy`; absent on runs made before it was measured.
   */
  ece?: number;
  /** Mean top-class probability: above `accuracy` means over-confident. */
  meanConfidence?: number;
}

export interface EpochPoint {
  epoch: number;
  loss: number;
  accuracy: number;
  valLoss?: number;
  valAccuracy?: number;
}

export interface RunSummary {
  id: number;
  kind: RunKind;
  status: RunStatus;
  backend: string | null;
  config: Partial<TrainConfig> & Record<string, unknown>;
  startedAt: string;
  finishedAt: string | null;
  metrics: Metrics | null;
  /** Learning curves per fold (CV) or a single curve (hold-out), when the run trained a model. */
  curves: EpochPoint[][];
  error: string | null;
  /** For a retrain: the run it is compared with. */
  baselineRunId: number | null;
  notes: string[];
}

/** One suspected label issue of an issue set, in review order. */
export interface LabelIssue {
  rank: number;
  sampleIndex: number;
  path: string;
  givenLabel: number;
  suggestedLabel: number;
  /** Label quality score (lower = more suspicious), per the set's ranking method. */
  quality: number;
  /** Out-of-fold class probabilities of this sample. */
  probs: number[];
  decision: Decision | null;
}

export interface IssueSetInfo {
  id: number;
  runId: number;
  filterBy: FilterBy;
  rankedBy: RankedBy;
  count: number;
  createdAt: string;
}
