/**
 * Domain types shared by the core, every transport (IPC, HTTP) and the renderer.
 * Plain data only: everything here must survive structured clone and JSON.
 */
import type { TrainConfig } from './train-config';

/** Every training option; its limits and schema live in train-config.ts. */
export type { TrainConfig };

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

export const DECISION_ACTIONS = ['keep', 'relabel', 'exclude'] as const;
export type DecisionAction = (typeof DECISION_ACTIONS)[number];

/**
 * The label a sample ends up with after a decision: the new label of a relabel, none (null) for an exclusion,
 * the given label for a keep. The one statement of this rule: the store derives every `Decision.finalLabel`
 * with it and the renderer its optimistic decisions; export and retraining read `finalLabel`.
 */
export function finalLabelOf(
  action: DecisionAction,
  newLabel: number | null | undefined,
  givenLabel: number,
): number | null {
  if (action === 'exclude') return null;
  if (action === 'keep') return givenLabel;
  if (newLabel === null || newLabel === undefined) throw new Error('a relabel needs a new label');
  return newLabel;
}

/** The current (derived) decision of one sample. */
export interface Decision {
  sampleIndex: number;
  path: string;
  action: DecisionAction;
  /** The label the sample ends up with: given label for keep, new label for relabel, null for exclude. */
  finalLabel: number | null;
  annotator: string;
  decidedAt: string;
  /** The decision event this state comes from (ids only grow: a larger one is newer). */
  eventId: number;
}

/** A sample as the dataset browser lists it: with its current decision, if any. */
export interface SampleWithDecision extends Sample {
  decision: Decision | null;
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

/** cleanlab's `filter_by` methods of `find_label_issues`; the first is cleanlab's default. */
export const FILTER_BY_METHODS = [
  'prune_by_noise_rate',
  'prune_by_class',
  'both',
  'confident_learning',
  'predicted_neq_given',
  'low_self_confidence',
  'low_normalized_margin',
] as const;
export type FilterBy = (typeof FILTER_BY_METHODS)[number];
/** cleanlab's own default (`relabel find-issues`, the parity tool, keeps it). */
export const CLEANLAB_DEFAULT_FILTER_BY: FilterBy = FILTER_BY_METHODS[0];

/**
 * The filter a project ranks issues with unless told otherwise, by its number of classes (README, "Which
 * issue filter by default": the same probabilities scored with every filter). Two classes: every image whose
 * out-of-fold prediction disagrees with its label — the queue cleanlab's default would show, in the same order,
 * continued to where the model stops disagreeing (recall 0.99 instead of 0.77 at equal or better precision on
 * Fashion-MNIST); the stop signal tells the annotator when the rest is not worth it. Three or more:
 * low_self_confidence, the only filter that keeps precision ≥ 0.70 at recall ≥ 0.90 on 10-class Fashion-MNIST.
 */
export function defaultFilterBy(numClasses: number): FilterBy {
  return numClasses >= 3 ? 'low_self_confidence' : 'predicted_neq_given';
}

/** cleanlab's label quality scores (`rank_by`); the first is cleanlab's default. */
export const RANKED_BY_METHODS = [
  'self_confidence',
  'normalized_margin',
  'confidence_weighted_entropy',
] as const;
export type RankedBy = (typeof RANKED_BY_METHODS)[number];
export const DEFAULT_RANKED_BY: RankedBy = RANKED_BY_METHODS[0];

/** Backends a run can ask for (`auto`: the fastest that loads) and the ones that actually train. */
export const BACKEND_CHOICES = ['auto', 'gpu', 'node', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];
/** Fastest first: the order `auto` tries them in (and `relabel doctor` reports them in). */
export const BACKEND_NAMES = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

/** Networks trained from scratch on the images (tfjs layers models). */
export const CNN_MODEL_NAMES = ['baseline', 'lenet-wide', 'cnn'] as const;
export type CnnModelName = (typeof CNN_MODEL_NAMES)[number];
/** The bundled pretrained backbone (MobileNetV2 α 1.4); its default input side: train-config.ts. */
export const BUILTIN_BACKBONE = 'mobilenet_v2_140';

/** Every model a run can use: the CNNs, and `pretrained` (backbone embeddings + logistic regression). */
export const MODEL_NAMES = [...CNN_MODEL_NAMES, 'pretrained'] as const;
export type ModelName = (typeof MODEL_NAMES)[number];

/** Training-time augmentation: random shifts of up to ~8% of the side, left–right mirroring, both, or none. */
export const AUGMENT_MODES = ['none', 'shift', 'flip', 'shift-flip'] as const;
export type AugmentMode = (typeof AUGMENT_MODES)[number];
/** How each model's probabilities are calibrated: temperature scaling on its validation split, or not at all. */
export const CALIBRATION_METHODS = ['temperature', 'none'] as const;
export type CalibrationMethod = (typeof CALIBRATION_METHODS)[number];
/**
 * Which labels a cross-validation run trains on: the given ones, or the reviewed ones (relabels applied, excluded
 * images left out). A run on reviewed labels starts a later cleaning round.
 */
export const TRAINING_LABELS = ['given', 'reviewed'] as const;
export type TrainingLabels = (typeof TRAINING_LABELS)[number];

export const RUN_KINDS = ['cv', 'holdout', 'retrain', 'imported'] as const;
export type RunKind = (typeof RUN_KINDS)[number];
export const RUN_STATUSES = ['running', 'done', 'failed', 'cancelled'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

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
  config: Partial<TrainConfig> & { labels?: TrainingLabels } & Record<string, unknown>;
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

/**
 * The kinds of issue the review lists, each with its own filter and named in issues.csv: `label` (confident
 * learning on the issue set's run: the default view), `duplicate` (a member of an exact- or near-duplicate
 * group) and `outlier` (among the top outliers by embedding). One image may be several.
 */
export const ISSUE_TYPES = ['label', 'duplicate', 'outlier'] as const;
export type IssueType = (typeof ISSUE_TYPES)[number];
export const DEFAULT_ISSUE_TYPE: IssueType = 'label';

/** Another member of an issue's duplicate group, as the review shows it beside the image. */
export interface DuplicatePartner {
  index: number;
  path: string;
  givenLabel: number;
  decision: Decision | null;
  /** Same file content as the issue's image (else a near-duplicate by embedding similarity). */
  exact: boolean;
}

/** One issue of an issue set, in review order: a suspected label issue and/or a duplicate or outlier. */
export interface LabelIssue {
  /** Its place in the listed type's order (label issues: confident learning's rank). */
  rank: number;
  sampleIndex: number;
  path: string;
  givenLabel: number;
  /** The model's label (argmax of the out-of-fold probabilities, also for a duplicate or outlier). */
  suggestedLabel: number;
  /** Label quality score (lower = more suspicious), per the set's ranking method. */
  quality: number;
  /** Out-of-fold class probabilities of this sample. */
  probs: number[];
  decision: Decision | null;
  /** The annotator of another review session that has this issue on screen right now, if any. */
  claimedBy: string | null;
  /** Every type this image is an issue of, in ISSUE_TYPES order. */
  types: IssueType[];
  /** The other members of its duplicate group (none unless `types` has `duplicate`). */
  partners: DuplicatePartner[];
  /** Its outlier score (see src-shared/health.ts) when `types` has `outlier`, else null. */
  outlierScore: number | null;
}

/** Most cross-validation runs one issue set may average. */
export const MAX_AVERAGED_RUNS = 10;

export interface IssueSetInfo {
  id: number;
  runId: number;
  /** The runs whose out-of-fold probabilities ranked the set: [runId], or several averaged (`--runs`). */
  runIds: number[];
  filterBy: FilterBy;
  rankedBy: RankedBy;
  count: number;
  createdAt: string;
  /** The dataset generation whose sample indices the set refers to. */
  datasetGeneration: number;
  /** The dataset was re-imported since: the set's indices may name other images; no decision goes through it. */
  stale: boolean;
  /** The cleaning round: each new cross-validation run ranked on this dataset starts the next one. */
  round: number;
  /** The labels the issues question (and the run trained on); a reviewed round skips images already decided. */
  labels: TrainingLabels;
  /** Confident learning's estimate of the label errors among the images it questioned (null: not computed). */
  estimatedErrors: number | null;
  /** Images left out of the set because a human had already decided them. */
  skippedDecided: number;
}
