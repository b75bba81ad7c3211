import type { BackendChoice, BackendName } from '../../../src-shared/domain';
import type { BackboneSpec } from './backbone-spec';

/** Messages between the feature pool (parent) and a feature worker (child process), over the IPC channel. */

/** Embed images: the worker loads the backbone on a tfjs backend and reads pixels from a pixel file pair. */
export interface EmbedInit {
  type: 'init-embed';
  /** Base path of the pixel file pair (`<base>.u8` + `<base>.json`), as the training pool writes it. */
  dataPath: string;
  backend: BackendChoice;
  backbone: BackboneSpec;
}

/** Fit logistic regressions: the worker loads the embedding matrix file (float16 rows) into wasm memory. */
export interface LogisticInit {
  type: 'init-logistic';
  /** `<base>.f16` (n × dim float16 bits) + `<base>.json` ({ n, dim }). */
  matrixPath: string;
}

/** Answer nearest-neighbour queries on the embedding matrix file (a long-lived worker). */
export interface NeighbourInit {
  type: 'init-neighbours';
  matrixPath: string;
}

export interface NeighbourQuery {
  type: 'neighbours';
  id: number;
  index: number;
  count: number;
}

/** Scan every pair of the neighbour worker's matrix: near-duplicate pairs and an outlier score per image. */
export interface HealthJob {
  type: 'health';
  id: number;
  /** Query rows first … first + count − 1 (pairs with any later row, neighbours among all rows). */
  first: number;
  count: number;
  threshold: number;
  k: number;
  maxPairs: number;
}

export interface EmbedJob {
  type: 'embed';
  id: number;
  /** Samples first … first + count − 1. */
  first: number;
  count: number;
}

/** Choose C by inner cross-validation on the training rows, fit, and predict the held-out rows. */
export interface LogisticJob {
  type: 'logistic';
  id: number;
  /** base64 int32. */
  trainIndices: string;
  trainLabels: string;
  predictIndices: string;
  numClasses: number;
  seed: number;
  classWeights: boolean;
}

export type FeatureInit = EmbedInit | LogisticInit | NeighbourInit;
export type FeatureJob = EmbedJob | LogisticJob | NeighbourQuery | HealthJob;
export type FeatureParentMessage = FeatureInit | FeatureJob | { type: 'exit' };

export interface LogisticJobResult {
  /** base64 float32, predictIndices.length × numClasses. */
  probs: string;
  /** The chosen inverse regularisation strength and how it was chosen. */
  C: number;
  notes: string[];
}

export type FeatureChildMessage =
  | { type: 'ready'; backend: BackendName | null; notes: string[]; dim: number | null }
  | { type: 'embedded'; id: number; /** base64 uint16 (float16 bits), count × dim. */ data: string }
  | ({ type: 'fitted'; id: number; cpuSeconds: number } & LogisticJobResult)
  | { type: 'nearest'; id: number; indices: number[]; similarities: number[] }
  | {
      type: 'health-scanned';
      id: number;
      pairs: { a: number; b: number; similarity: number }[];
      pairsTruncated: boolean;
      /** base64 float64, one per query row. */
      outlierScores: string;
    }
  | { type: 'progress'; id: number; message: string }
  | { type: 'error'; id: number | null; message: string; stack?: string };
