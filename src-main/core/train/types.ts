import type { BackendName, EpochPoint } from '../../../src-shared/domain';
import type { SerializedModel } from './model-weights';

/** The images (uint8, NHWC, row-major) and labels of a dataset, as the engine takes them. */
export interface TrainingData {
  pixels: Uint8Array;
  n: number;
  height: number;
  width: number;
  channels: 1 | 3;
  labels: Int32Array;
  numClasses: number;
}

/** One finished fold: the out-of-fold probabilities (testIndices.length × K) of the samples it held out. */
export interface FoldResult {
  fold: number;
  testIndices: Int32Array;
  probs: Float32Array;
  curve: EpochPoint[];
  backend: BackendName;
  /** The fold's trained model (absent for folds restored from an earlier, interrupted run). */
  model?: SerializedModel;
}

export interface TrainProgress {
  /** Fold the event is about; null for a single model (hold-out) or for run-level messages. */
  fold: number | null;
  folds: number;
  /** 1-based; 0 before the first epoch starts. */
  epoch: number;
  epochs: number;
  /** Batches done in the current epoch. */
  batch: number;
  batches: number;
  /** Set when an epoch ends. */
  point?: EpochPoint;
  /**
   * Batches done and planned over the whole call (every fold, whichever runs in parallel): the one measure of
   * overall progress. `total` assumes every epoch runs; early stopping only ever makes the rest shorter.
   */
  done: number;
  total: number;
  /** Models (folds) finished so far in this call. */
  modelsDone: number;
  /** Seconds left at the pace so far (an upper bound under early stopping); null until measurable. */
  etaSeconds: number | null;
  backend: BackendName | null;
  message: string;
}
