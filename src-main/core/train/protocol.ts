import type { BackendName, EpochPoint, TrainConfig } from '../../../src-shared/domain';
import type { ModelSpec } from './model-weights';

/** Messages between the pool (parent) and a fold worker (child process), over the IPC channel. */

export interface InitMessage {
  type: 'init';
  /** Base path of the pixel file pair written by the parent (`<base>.u8` + `<base>.json`). */
  dataPath: string;
  numClasses: number;
  config: TrainConfig;
}

export interface JobMessage {
  type: 'job';
  /** Fold number, or null for a single model. */
  fold: number | null;
  seed: number;
  trainIndices: string;
  trainLabels: string;
  predictIndices: string;
}

export type ParentMessage = InitMessage | JobMessage | { type: 'exit' };

export type ChildMessage =
  | { type: 'ready'; backend: BackendName; notes: string[] }
  | {
      type: 'progress';
      fold: number | null;
      epoch: number;
      batch: number;
      batches: number;
      point?: EpochPoint;
    }
  | {
      type: 'result';
      fold: number | null;
      probs: string;
      curve: EpochPoint[];
      bestEpoch: number;
      notes: string[];
      /** CPU time the worker process spent on this job (user + system). */
      cpuSeconds: number;
      /** The trained model: its spec and its float32 weights (base64). */
      model: { spec: ModelSpec; weights: string };
    }
  | { type: 'error'; fold: number | null; message: string; stack?: string };

export function encodeArray(a: Int32Array | Float32Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

function decodeBytes(s: string): ArrayBuffer {
  const buf = Buffer.from(s, 'base64');
  // Copy into a fresh, aligned ArrayBuffer (a Buffer may share a pool at any offset).
  return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
}

export const decodeInt32 = (s: string): Int32Array => new Int32Array(decodeBytes(s));
export const decodeFloat32 = (s: string): Float32Array => new Float32Array(decodeBytes(s));
